using System.Collections.Concurrent;

namespace Vigil.Sqlite.Engine;

/// <summary>
/// What every storage instance of this process shares for one database file: the in-process write gate and the
/// work signals. One per full path, for the life of the process.
/// </summary>
internal sealed class SqliteDatabaseHub
{
    private static readonly ConcurrentDictionary<string, SqliteDatabaseHub> Hubs = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>
    /// Serializes this process's writes to the file. SQLite allows one writer at a time anyway; queueing here, on an
    /// async gate, keeps the busy handler (which sleeps a thread) for contention with other processes only.
    /// </summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>The hub of the file at <paramref name="fullPath"/>.</summary>
    public static SqliteDatabaseHub For(string fullPath) => Hubs.GetOrAdd(fullPath, static _ => new SqliteDatabaseHub());

    /// <summary>A task that completes at the next <see cref="Signal"/> of <paramref name="queue"/>.</summary>
    public Task WhenSignaled(string queue) =>
        _signals.GetOrAdd(queue, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes everyone waiting on <paramref name="queue"/> (work may be ready there).</summary>
    public void Signal(string queue)
    {
        if (_signals.TryRemove(queue, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>The queues someone in this process waits on now.</summary>
    public List<string> WaitedQueues()
    {
        var queues = new List<string>();
        foreach (var (queue, signal) in _signals)
        {
            if (!signal.Task.IsCompleted)
            {
                queues.Add(queue);
            }
        }

        return queues;
    }
}
