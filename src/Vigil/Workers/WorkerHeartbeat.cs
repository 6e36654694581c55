namespace Vigil.Workers;

/// <summary>
/// A worker's record, refreshed every heartbeat interval. The storage keeps it as a whole (it reads only
/// <see cref="WorkerId"/> and <see cref="HeartbeatAt"/>), so fields can be added without touching an engine.
/// </summary>
public sealed record WorkerHeartbeat
{
    /// <summary>The worker id: unique per process start, such as <c>host-1234-5f3a</c>.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The machine name.</summary>
    public required string Host { get; init; }

    /// <summary>The operating-system process id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>The shared queues this worker consumes (its private queue not included).</summary>
    public required IReadOnlyList<string> Queues { get; init; }

    /// <summary>The concurrent slots.</summary>
    public required int Concurrency { get; init; }

    /// <summary><c>running</c>, <c>draining</c> (finishing in-flight work before it exits) or <c>stopped</c>.</summary>
    public required string Status { get; init; }

    /// <summary>When the worker started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When this record was written.</summary>
    public required DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>When the consume loop last turned: proof that the worker consumes, not only that its process lives.</summary>
    public required DateTimeOffset LoopTickAt { get; init; }

    /// <summary>The tasks running now.</summary>
    public int InFlight { get; init; }

    /// <summary>The attempts this worker finished since it started.</summary>
    public long Processed { get; init; }

    /// <summary>The attempts that failed since it started.</summary>
    public long Failed { get; init; }

    /// <summary>Process CPU use over the last sampling window, in percent of one core (100 = one full core).</summary>
    public double? CpuPercent { get; init; }

    /// <summary>The process working set, in bytes.</summary>
    public long? WorkingSetBytes { get; init; }

    /// <summary>The managed heap size, in bytes.</summary>
    public long? GcHeapBytes { get; init; }

    /// <summary>Work items waiting in the thread pool's queue.</summary>
    public long? ThreadPoolQueueLength { get; init; }

    /// <summary>Attempts finished per second over the last sampling window.</summary>
    public double? Throughput { get; init; }

    /// <summary>The Vigil version the worker runs.</summary>
    public string? Version { get; init; }

    /// <summary>The URL of the worker's own health endpoint, if it serves one.</summary>
    public string? HealthUrl { get; init; }
}
