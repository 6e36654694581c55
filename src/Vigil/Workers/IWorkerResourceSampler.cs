namespace Vigil.Workers;

/// <summary>
/// Samples the worker process's resources for its heartbeat. Optional: when one is registered in DI, each heartbeat carries
/// its latest sample.
/// </summary>
public interface IWorkerResourceSampler
{
    /// <summary>Returns the latest sample. Called on every heartbeat: must be cheap and must not throw.</summary>
    /// <returns>The sample.</returns>
    WorkerResources Sample();
}

/// <summary>A sample of a worker process's resources. Unknown values are <see langword="null"/>.</summary>
public readonly record struct WorkerResources
{
    /// <summary>CPU use over the last sampling window, in percent of one core (100 = one full core).</summary>
    public double? CpuPercent { get; init; }

    /// <summary>The process working set, in bytes.</summary>
    public long? WorkingSetBytes { get; init; }

    /// <summary>The managed heap size, in bytes.</summary>
    public long? GcHeapBytes { get; init; }

    /// <summary>Work items waiting in the thread pool's queue.</summary>
    public long? ThreadPoolQueueLength { get; init; }

    /// <summary>Attempts finished per second over the last sampling window.</summary>
    public double? Throughput { get; init; }
}
