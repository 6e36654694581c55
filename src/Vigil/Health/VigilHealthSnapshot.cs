using Vigil.Probes;
using Vigil.Storage;
using Vigil.Workers;

namespace Vigil.Health;

/// <summary>
/// One reading of the whole system from the storage, judged: what the workers, queues and probes checks report, what the
/// sentinel alerts on and what the gauges export.
/// </summary>
internal sealed record VigilHealthSnapshot
{
    /// <summary>When it was read.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Why the storage could not be read; <see langword="null"/> when it was.</summary>
    public string? Error { get; init; }

    /// <summary>Every worker record read.</summary>
    public IReadOnlyList<WorkerHeartbeat> WorkerRecords { get; init; } = [];

    /// <summary>Every shared queue's summary (worker private queues left out).</summary>
    public IReadOnlyList<QueueSummary> QueueRecords { get; init; } = [];

    /// <summary>Every probe target's state, those of gone workers included (the sentinel cleans them up).</summary>
    public IReadOnlyList<ProbeStatus> AllProbeRecords { get; init; } = [];

    /// <summary>The probe targets reported: those of gone workers left out.</summary>
    public IReadOnlyList<ProbeStatus> ProbeRecords { get; init; } = [];

    /// <summary>The judged workers.</summary>
    public IReadOnlyList<ComponentHealth> Workers { get; init; } = [];

    /// <summary>The judged queues.</summary>
    public IReadOnlyList<ComponentHealth> Queues { get; init; } = [];

    /// <summary>The judged probes.</summary>
    public IReadOnlyList<ComponentHealth> Probes { get; init; } = [];

    /// <summary>The number of live workers.</summary>
    public int LiveWorkers { get; init; }

    /// <summary>Every judged component: workers, queues, probes.</summary>
    public IEnumerable<ComponentHealth> All => Workers.Concat(Queues).Concat(Probes);
}
