namespace Vigil.Workers;

/// <summary>
/// The worker of this process, as observability and recovery see it: its identity, its counters, its consume loop's tick,
/// and the levers of the recovery ladder. Registered in DI by <c>services.AddVigil()</c> when
/// <see cref="VigilOptions.RunWorker"/> is <see langword="true"/> (resolving it gives <see langword="null"/> otherwise).
/// </summary>
public interface IVigilWorker
{
    /// <summary>The worker id, unique per process start: <c>{host}-{pid}-{4 hex digits}</c>.</summary>
    string WorkerId { get; }

    /// <summary>The shared queues it consumes, in priority order (its private queue not included).</summary>
    IReadOnlyList<string> Queues { get; }

    /// <summary>The private queue only this worker consumes (worker probes go there).</summary>
    string PrivateQueue { get; }

    /// <summary>One of <see cref="WorkerStatuses"/>: <c>starting</c>, <c>running</c>, <c>draining</c> or <c>stopped</c>.</summary>
    string Status { get; }

    /// <summary>When the consume loop last turned. A loop that stops turning while the process lives is a zombie.</summary>
    DateTimeOffset LastLoopTick { get; }

    /// <summary>The tasks running now.</summary>
    int InFlight { get; }

    /// <summary>The attempts finished since the worker started (whatever their outcome).</summary>
    long Processed { get; }

    /// <summary>The attempts that failed since the worker started (exceptions, timeouts, dead at once).</summary>
    long Failed { get; }

    /// <summary>Whether a recycle was requested (<see cref="RequestRecycle"/>), by whom it says in its reason.</summary>
    bool RecycleRequested { get; }

    /// <summary>
    /// The URL of this worker's own health endpoint, set by whatever serves it; carried in the heartbeat
    /// (<see cref="WorkerHeartbeat.HealthUrl"/>). Default <see langword="null"/>.
    /// </summary>
    string? HealthUrl { get; set; }

    /// <summary>
    /// Test-only fault switch: while <see langword="true"/>, the consume loop stops turning (it awaits without ticking or
    /// claiming) while heartbeats and lease renewals go on: exactly a zombie worker. Restarting the loops does not clear it.
    /// </summary>
    internal bool FreezeConsumeLoop { get; set; }

    /// <summary>
    /// Cancels and restarts the consume loop and the lease-renewal loop (second step of the recovery ladder). In-flight
    /// tasks go on running; their leases are renewed by the new renewal loop.
    /// </summary>
    /// <param name="reason">Why, for the log.</param>
    /// <param name="cancellationToken">Cancels the wait for the old loops to end.</param>
    /// <returns>A task that completes when the new loops run.</returns>
    Task RestartConsumeLoopsAsync(string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Drains gracefully (claims nothing more, lets in-flight tasks finish within the shutdown grace period, releases the
    /// rest) and then stops the host with <paramref name="exitCode"/> (see <see cref="VigilExitCodes"/>). The first request
    /// wins; later ones are logged and ignored.
    /// </summary>
    /// <param name="reason">Why, for the log and the heartbeat.</param>
    /// <param name="exitCode">The process exit code, such as <see cref="VigilExitCodes.Recycle"/>.</param>
    void RequestRecycle(string reason, int exitCode);
}
