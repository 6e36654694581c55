using System.Diagnostics;
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
            var root = FindRoot();
            var path = Path.Combine(root, "bench", "Vigil.Bench", "bin", configuration, "net10.0", "Vigil.Bench.dll");
            Assert.True(File.Exists(path), $"The harness is not built at {path}.");
            return path;
        }
    }

    /// <summary>Runs the harness with arguments and waits for it, within a bound.</summary>
    /// <param name="timeout">The longest the run may take; it is killed after that.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The exit code and the output.</returns>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The harness did not finish within {timeout.TotalSeconds:F0} s. Output so far:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
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
