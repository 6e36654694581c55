namespace Vigil.Probes;

/// <summary>What is known of one probe target: a shared queue (queue probe) or one worker's private queue (worker probe).</summary>
internal sealed record ProbeStatus
{
    /// <summary>The target: <c>queue:{name}</c> or <c>worker:{id}</c>.</summary>
    public required string Target { get; init; }

    /// <summary><c>queue</c> or <c>worker</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The queue the probe goes through (the worker's private queue for a worker probe).</summary>
    public required string Queue { get; init; }

    /// <summary>The worker of a worker probe.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The state.</summary>
    public required ProbeState State { get; init; }

    /// <summary>How long a probe may wait before it is missed.</summary>
    public required TimeSpan Deadline { get; init; }

    /// <summary>Since when the outstanding probe waits; <see langword="null"/> when none is outstanding.</summary>
    public DateTimeOffset? OutstandingSince { get; init; }

    /// <summary>The outstanding probe task.</summary>
    public string? OutstandingTaskId { get; init; }

    /// <summary>The latency of the last consumed probe (enqueued → finished).</summary>
    public TimeSpan? LastLatency { get; init; }

    /// <summary>When the last consumed probe finished.</summary>
    public DateTimeOffset? LastCompletedAt { get; init; }

    /// <summary>The last consumed probe's error, when it failed.</summary>
    public string? LastError { get; init; }

    /// <summary>The last consumed probe task.</summary>
    public string? LastTaskId { get; init; }

    /// <summary>When the last consumed probe was sent.</summary>
    public DateTimeOffset? LastSentAt { get; init; }

    /// <summary>Older finished probe tasks of this target, which the sentinel removes.</summary>
    public IReadOnlyList<string> ObsoleteTaskIds { get; init; } = [];

    /// <summary>The target for a queue.</summary>
    public static string QueueTarget(string queue) => "queue:" + queue;

    /// <summary>The target for a worker.</summary>
    public static string WorkerTarget(string workerId) => "worker:" + workerId;

    /// <summary>How long the outstanding probe has waited at <paramref name="now"/>.</summary>
    public TimeSpan? PendingFor(DateTimeOffset now) => OutstandingSince is { } since ? now - since : null;
}
