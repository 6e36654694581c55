using System.Reflection;

namespace Vigil.Testing;

/// <summary>
/// The built <c>vigil</c> CLI (<c>src/Vigil.Cli</c>, same configuration as the tests) run as a real child process:
/// <c>dotnet Vigil.Cli.dll ARGS</c>. A test project that uses it references <c>src/Vigil.Cli</c> with
/// <c>ReferenceOutputAssembly="false"</c> so that the CLI is built first.
/// </summary>
public static class VigilCli
{
    /// <summary>The path of the built CLI assembly.</summary>
    public static string AssemblyPath { get; } = typeof(VigilCli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "VigilCliPath").Value!;

    /// <summary>
    /// Starts <c>vigil ARGS</c>. Nothing from the developer's environment leaks in: <c>VIGIL_STORAGE</c> is removed and
    /// <c>VIGIL_HOME</c> is a fresh folder unless <paramref name="environment"/> sets them.
    /// </summary>
    /// <param name="arguments">The CLI's arguments.</param>
    /// <param name="environment">Environment variables to set (a <see langword="null"/> value removes one), or <see langword="null"/>.</param>
    /// <returns>The running process; dispose it to kill it if it still runs.</returns>
    /// <exception cref="FileNotFoundException">The CLI is not built.</exception>
    public static ChildProcess Start(IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string?>>? environment = null)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException($"The CLI is not built at {AssemblyPath}.", AssemblyPath);
        }

        var settings = new Dictionary<string, string?>
        {
            ["VIGIL_STORAGE"] = null,
            ["VIGIL_HOME"] = Path.Combine(Path.GetTempPath(), "vigil-cli-home-" + Guid.NewGuid().ToString("N")[..12]),
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (name, value) in environment ?? [])
        {
            settings[name] = value;
        }

        return ChildProcess.Start("dotnet", [AssemblyPath, .. arguments], settings);
    }

    /// <summary>Runs <c>vigil ARGS</c> to its end (see <see cref="Start"/>).</summary>
    /// <param name="arguments">The CLI's arguments.</param>
    /// <param name="environment">Environment variables to set, or <see langword="null"/>.</param>
    /// <param name="timeout">The bound on the run. Default 60 s; the process is killed after it.</param>
    /// <returns>The exit code and the output.</returns>
    /// <exception cref="TimeoutException">It did not exit in time (the message has its output).</exception>
    public static async Task<CliResult> RunAsync(
        IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string?>>? environment = null, TimeSpan? timeout = null)
    {
        using var cli = Start(arguments, environment);
        var exitCode = await cli.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return new CliResult(exitCode, cli.StandardOutput, cli.StandardError) { Output = cli.Output };
    }
}

/// <summary>The outcome of one CLI run.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Standard output and error interleaved as received.</summary>
    public string Output { get; init; } = StandardOutput + StandardError;

    /// <summary>Splits into the exit code and the interleaved output: <c>var (exitCode, output) = result;</c>.</summary>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="output">Standard output and error interleaved.</param>
    public void Deconstruct(out int exitCode, out string output)
    {
        exitCode = ExitCode;
        output = Output;
    }

    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
