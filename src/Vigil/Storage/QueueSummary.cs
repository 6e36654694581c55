namespace Vigil.Storage;

/// <summary>The state of one queue, for health, the CLI and the dashboard.</summary>
public sealed record QueueSummary
{
    /// <summary>The queue name.</summary>
    public required string Name { get; init; }

    /// <summary>Tasks ready to run now (queued, or scheduled/retrying whose time has come).</summary>
    public long Ready { get; init; }

    /// <summary>Tasks waiting for a future time (scheduled, or retrying with backoff).</summary>
    public long Delayed { get; init; }

    /// <summary>Tasks running under a lease.</summary>
    public long Running { get; init; }

    /// <summary>Dead tasks kept in the queue (dead letters).</summary>
    public long Dead { get; init; }

    /// <summary>Since when the oldest ready task has been ready; <see langword="null"/> when none is.</summary>
    public DateTimeOffset? OldestReadySince { get; init; }

    /// <summary>When a task of this queue last succeeded, within the statistics retention.</summary>
    public DateTimeOffset? LastSucceededAt { get; init; }
}
