using System.Diagnostics;
using System.Text;

namespace Vigil.Testing;

/// <summary>
/// A child process for process-level tests: started with arguments and environment, its output captured line by line
/// (interleaved and per stream), awaited for a line or its exit, stopped with SIGTERM, and killed with SIGKILL (the
/// whole tree) on demand or on dispose. <see cref="VigilCli"/> starts the built <c>vigil</c> CLI as one.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _lineAdded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (only after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and error so far, interleaved as received.</summary>
    public string Output => Read(_output);

    /// <summary>Standard output so far.</summary>
    public string StandardOutput => Read(_stdout);

    /// <summary>Standard error so far.</summary>
    public string StandardError => Read(_stderr);

    /// <summary>Starts a process.</summary>
    /// <param name="fileName">The executable, such as <c>dotnet</c>.</param>
    /// <param name="arguments">The arguments, each passed as is (no shell quoting).</param>
    /// <param name="environment">
    /// Environment variables to set (a <see langword="null"/> value removes one), or <see langword="null"/>.
    /// </param>
    /// <param name="workingDirectory">The working directory, or <see langword="null"/> for the current one.</param>
    /// <returns>The running process. Its standard input is closed at once (end of file): nothing writes to it.</returns>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IEnumerable<KeyValuePair<string, string?>>? environment = null,
        string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null)
                {
                    start.Environment.Remove(name);
                }
                else
                {
                    start.Environment[name] = value;
                }
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(child._stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return child;
    }

    /// <summary>Waits until a line of output matches <paramref name="predicate"/> (lines already seen count).</summary>
    /// <param name="predicate">The test for a line.</param>
    /// <param name="timeout">The bound.</param>
    /// <returns>The first matching line.</returns>
    /// <exception cref="TimeoutException">No line matched in time, or the process exited first (the message has the output).</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = Stopwatch.StartNew();
        var seen = 0;
        while (true)
        {
            Task next;
            lock (_gate)
            {
                for (; seen < _lines.Count; seen++)
                {
                    if (predicate(_lines[seen]))
                    {
                        return _lines[seen];
                    }
                }

                next = _lineAdded.Task;
            }

            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || (_process.HasExited && next.IsCompleted == false && seen == LineCount()))
            {
                throw new TimeoutException($"No matching output line within {timeout} (exited: {_process.HasExited}). Output:\n{Output}");
            }

            await Task.WhenAny(next, Task.Delay(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200))).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process and its children with SIGKILL, and waits for it to end (10 s bound).</summary>
    /// <returns>A task that completes when it has exited.</returns>
    public async Task KillAsync()
    {
        SendKill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills the process and its children with SIGKILL at once, as a crash or the OOM killer would, without waiting
    /// (see <see cref="KillAsync"/> to wait).
    /// </summary>
    public void Kill() => SendKill();

    /// <summary>Sends SIGTERM (a graceful stop request), without waiting.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            // .NET has no managed SIGTERM API; `kill -TERM` is the portable way on Linux.
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit(5000);
        }
    }

    /// <summary>Waits for the process to exit and for its output to be read to the end.</summary>
    /// <param name="timeout">The bound.</param>
    /// <returns>The exit code.</returns>
    /// <exception cref="TimeoutException">It did not exit in time (the message has its output; it keeps running).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"{_process.StartInfo.FileName} (pid {Id}) did not exit within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}", ex);
        }

        // The parameterless wait also drains the redirected output streams.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    /// <summary>Kills the process (whole tree) if it still runs, waits for it (10 s bound), and releases it.</summary>
    public void Dispose()
    {
        SendKill();
        _process.WaitForExit(10_000);
        _process.Dispose();
    }

    private void SendKill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private string Read(StringBuilder buffer)
    {
        lock (_gate)
        {
            return buffer.ToString();
        }
    }

    private int LineCount()
    {
        lock (_gate)
        {
            return _lines.Count;
        }
    }

    private void Append(StringBuilder stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        TaskCompletionSource fired;
        lock (_gate)
        {
            _lines.Add(line);
            _output.AppendLine(line);
            stream.AppendLine(line);
            fired = _lineAdded;
            _lineAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }
}
