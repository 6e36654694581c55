using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Cli.Tests.Support;

/// <summary>
/// One run of the built <c>vigil</c> CLI as a real child process (<c>dotnet Vigil.Cli.dll ...</c>), with its output captured.
/// Killed (whole tree) on dispose if still running.
/// </summary>
public sealed partial class CliProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The path of the built CLI assembly (same configuration as the tests).</summary>
    public static string CliPath { get; } = typeof(CliProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "VigilCliPath").Value!;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>vigil ARGS</c>.</summary>
    public static CliProcess Start(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        Assert.True(File.Exists(CliPath), $"The CLI is not built at {CliPath}.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Nothing from the developer's environment may leak into a test: storage and home are always explicit.
        info.Environment.Remove("VIGIL_STORAGE");
        info.Environment["VIGIL_HOME"] = Path.Combine(Path.GetTempPath(), "vigil-cli-tests", "home-" + Guid.NewGuid().ToString("n")[..8]);
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Append(cli._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => cli.Append(cli._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return cli;
    }

    /// <summary>Runs <c>vigil ARGS</c> to its end, bounded by <paramref name="timeout"/> (default 60 s).</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var cli = Start(args, environment);
        var exitCode = await cli.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return new CliResult(exitCode, cli.StandardOutput, cli.StandardError);
    }

    /// <summary>Waits for the process to exit, bounded; fails the test with its output on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"vigil (pid {Id}) did not exit within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        // The parameterless wait also drains the redirected output streams.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (graceful stop).</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or the OOM killer would.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
