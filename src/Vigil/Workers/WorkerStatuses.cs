namespace Vigil.Workers;

/// <summary>The values of <see cref="WorkerHeartbeat.Status"/> and <see cref="IVigilWorker.Status"/>.</summary>
public static class WorkerStatuses
{
    /// <summary><c>starting</c>: the worker is starting and does not consume yet.</summary>
    public const string Starting = "starting";

    /// <summary><c>running</c>: the worker consumes its queues.</summary>
    public const string Running = "running";

    /// <summary><c>draining</c>: the worker claims nothing more and finishes its in-flight tasks before it stops.</summary>
    public const string Draining = "draining";

    /// <summary><c>stopped</c>: the worker has stopped.</summary>
    public const string Stopped = "stopped";
}
