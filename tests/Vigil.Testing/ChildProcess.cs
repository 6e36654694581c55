using System.Diagnostics;
using System.Text;

namespace Vigil.Testing;

/// <summary>
/// A child process for process-level tests: started with arguments and environment, its output captured line by line,
/// awaited for a line or its exit, and killed with SIGKILL (the whole tree) on demand or on dispose.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
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
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a process.</summary>
    /// <param name="fileName">The executable, such as <c>dotnet</c>.</param>
    /// <param name="arguments">The arguments, each passed as is (no shell quoting).</param>
    /// <param name="environment">Extra environment variables, or <see langword="null"/>.</param>
    /// <param name="workingDirectory">The working directory, or <see langword="null"/> for the current one.</param>
    /// <returns>The running process.</returns>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
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
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

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

    /// <summary>Waits for the process to exit.</summary>
    /// <param name="timeout">The bound.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
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

    private int LineCount()
    {
        lock (_gate)
        {
            return _lines.Count;
        }
    }

    private void Append(string? line)
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
            fired = _lineAdded;
            _lineAdded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }
}
