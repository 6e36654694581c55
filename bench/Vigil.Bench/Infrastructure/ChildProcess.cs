using System.Diagnostics;
using System.Threading.Channels;

namespace Vigil.Bench.Infrastructure;

/// <summary>
/// A child process whose standard output is read line by line (the harness's workers speak a tiny line protocol on it) and
/// whose standard error is kept as a tail for error reports. Stopped by writing <c>stop</c> to its standard input, killed
/// if it does not exit in time.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int StderrTailLines = 40;
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _stderrTail = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string display)
    {
        _process = process;
        Display = display;
    }

    /// <summary>
    /// Whether <see cref="StopAsync"/> sends SIGTERM (for programs that stop on it, such as <c>vigil worker</c>) instead of
    /// writing <c>stop</c> to standard input (the harness's own workers).
    /// </summary>
    public bool StopWithSigterm { get; set; }

    /// <summary>The command line, for messages.</summary>
    public string Display { get; }

    /// <summary>The operating-system process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to standard error.</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderrTail)
            {
                return string.Join('\n', _stderrTail);
            }
        }
    }

    /// <summary>Starts a process.</summary>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">Its working folder; <see langword="null"/> for the current one.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <returns>The started child.</returns>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, $"{fileName} {string.Join(' ', info.ArgumentList)}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
                child._stdoutClosed.TrySetResult();
            }
            else
            {
                child._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (child._stderrTail)
            {
                child._stderrTail.Enqueue(e.Data);
                while (child._stderrTail.Count > StderrTailLines)
                {
                    child._stderrTail.Dequeue();
                }
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start '{child.Display}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Reads the next standard-output line, within a bound.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The line.</returns>
    /// <exception cref="TimeoutException">No line came in time.</exception>
    /// <exception cref="InvalidOperationException">The process closed its output (it exited); the message carries its error output.</exception>
    public async Task<string> ReadLineAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cts.Token) && _lines.Reader.TryRead(out var line))
            {
                return line;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No output from '{Display}' within {timeout.TotalSeconds:F0} s. Its error output:\n{StderrTail}");
        }

        throw new InvalidOperationException($"'{Display}' closed its output (exit code {ExitCodeText()}). Its error output:\n{StderrTail}");
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>, within a bound.</summary>
    /// <param name="prefix">The line's first word and its space, such as <c>"ready "</c>.</param>
    /// <param name="timeout">The longest wait in all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The line.</returns>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var left = TimeSpan.FromSeconds(Math.Max(0.001, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
            var line = await ReadLineAsync(left, cancellationToken);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    /// <summary>Reads every remaining standard-output line until the process closes its output, within a bound.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>The lines.</returns>
    public async Task<IReadOnlyList<string>> ReadToEndAsync(TimeSpan timeout)
    {
        await _stdoutClosed.Task.WaitAsync(timeout);
        var lines = new List<string>();
        while (_lines.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Waits for the process to exit, within a bound.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Writes a line to the process's standard input.</summary>
    /// <param name="line">The line.</param>
    /// <returns>A task that completes when it is written.</returns>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Asks the process to stop (a <c>stop</c> line on its input), and kills it if it has not exited in time.</summary>
    /// <param name="grace">How long it may take to stop.</param>
    /// <returns>A task that completes when the process is gone.</returns>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            if (StopWithSigterm)
            {
                using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                if (kill is not null)
                {
                    await kill.WaitForExitAsync();
                }
            }
            else
            {
                await _process.StandardInput.WriteLineAsync("stop");
                await _process.StandardInput.FlushAsync();
                _process.StandardInput.Close();
            }
        }
        catch (IOException)
        {
            // The process is exiting and closed its input already: waiting below settles it.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No `kill` program on this machine: the wait below ends in a kill after the grace period.
        }

        try
        {
            await WaitForExitAsync(grace);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Kills the process and its children at once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }

    private string ExitCodeText()
    {
        try
        {
            return _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "still running";
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }
}
