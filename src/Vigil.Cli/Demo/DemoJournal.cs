using System.Globalization;
using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary>
/// An optional journal of demo handler runs, for tests and demos: when <c>VIGIL_DEMO_JOURNAL</c> names a file, every demo
/// handler that completes appends <c>TASKID ATTEMPT WORKERID PID</c> to it just before returning (before the worker stores
/// the success), so a test can count how often each task really ran, independently of the storage.
/// </summary>
internal sealed class DemoJournal : IDisposable
{
    /// <summary>The environment variable naming the journal file.</summary>
    public const string EnvironmentVariable = "VIGIL_DEMO_JOURNAL";

    private readonly Lock _gate = new();
    private readonly StreamWriter? _writer;

    public DemoJournal()
    {
        var path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(path))
        {
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            _writer = new StreamWriter(stream) { AutoFlush = true };
        }
    }

    /// <summary>Records that the attempt's handler completed.</summary>
    /// <param name="context">The attempt.</param>
    public void Record(TaskContext context)
    {
        if (_writer is null)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{context.TaskId} {context.Attempt} {context.WorkerId} {Environment.ProcessId}");
        lock (_gate)
        {
            // AutoFlush hands each line to the OS at once: a SIGKILL later loses nothing already written.
            _writer.WriteLine(line);
        }
    }

    public void Dispose() => _writer?.Dispose();
}
