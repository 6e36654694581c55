using System.Reflection;

namespace Vigil.Bench.Tests;

/// <summary>Runs the built harness (bench/Vigil.Bench) as a child process.</summary>
internal static class BenchHarness
{
    /// <summary>The harness's main assembly, built beside this test project in the same configuration.</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = typeof(BenchHarness).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(RepoRoot, "bench", "Vigil.Bench", "bin", configuration, "net10.0", "Vigil.Bench.dll");
            Assert.True(File.Exists(path), $"The harness is not built at {path}.");
            return path;
        }
    }

    /// <summary>The checkout: the folder holding <c>Vigil.slnx</c> above this test's binaries.</summary>
    public static string RepoRoot => FindRoot();

    /// <summary>Runs the harness with arguments and waits for it, within a bound.</summary>
    /// <param name="timeout">The longest the run may take; it is killed after that.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The exit code and the output.</returns>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var process = ChildProcess.Start("dotnet", [AssemblyPath, .. arguments]);
        try
        {
            var exitCode = await process.WaitForExitAsync(timeout);
            return (exitCode, process.StandardOutput, process.StandardError);
        }
        catch (TimeoutException ex)
        {
            // Disposing kills it (whole tree).
            throw new TimeoutException($"The harness did not finish within {timeout.TotalSeconds:F0} s. Output so far:\n{process.StandardOutput}\n{process.StandardError}", ex);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Vigil.slnx above {AppContext.BaseDirectory}.");
    }
}
