namespace Vigil.Health;

/// <summary>
/// The thresholds that turn what the storage says about workers, queues and probes into healthy, degraded or unhealthy.
/// Bound from the <c>Vigil:Health</c> configuration section and validated at start-up.
/// </summary>
/// <remarks>
/// <para>A worker is <b>degraded</b> when its heartbeat is older than <see cref="HeartbeatDegradedAge"/> or its loop tick
/// older than <see cref="LoopTickDegradedAge"/>; <b>unhealthy</b> past <see cref="LoopTickUnhealthyAge"/> (a zombie: the
/// process lives, the loop does not turn) or when its worker probe was missed. A worker that exits cleanly removes its
/// record and leaves the report at once. A worker whose heartbeat is older than <see cref="HeartbeatUnhealthyAge"/> (killed,
/// crashed, cut off) is <b>gone</b>: <b>degraded</b> while live workers serve its queues (the reason says when it vanished
/// and how many of its leases were taken over), <b>unhealthy</b> when one of its queues has no live consumer left; it is
/// left out of the report once its heartbeat is older than <see cref="ForgetWorkerAfter"/>.</para>
/// <para>A queue is <b>degraded</b> when its oldest ready task waited longer than <see cref="OldestReadyDegradedAge"/> while
/// its tasks still complete (a backlog), or its failure ratio over <see cref="FailureRatioWindow"/> reaches
/// <see cref="FailureRatioDegraded"/>; <b>unhealthy</b> when it has ready tasks and no live worker consumes it, when its queue
/// probe was missed and nothing completes in it, or when the failure ratio reaches <see cref="FailureRatioUnhealthy"/>.</para>
/// </remarks>
public sealed class VigilHealthOptions
{
    /// <summary>How long the storage round trip of <c>/health/ready</c> may take before it is unhealthy. Default 2 s.</summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A storage round trip slower than this is degraded. Default 500 ms.</summary>
    public TimeSpan StorageDegradedLatency { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A heartbeat older than this is degraded. Default 15 s (three default heartbeat intervals).</summary>
    public TimeSpan HeartbeatDegradedAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A worker whose heartbeat is older than this is gone. Default 30 s.</summary>
    public TimeSpan HeartbeatUnhealthyAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A gone worker is left out of the report (and of the dashboard) once its heartbeat is older than this, so a crash
    /// that the living workers absorbed stops marking <c>/health</c> degraded. Default 2 minutes (at least
    /// <see cref="HeartbeatUnhealthyAge"/>).
    /// </summary>
    public TimeSpan ForgetWorkerAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A consume loop that last turned longer ago than this is degraded. Default 10 s.</summary>
    public TimeSpan LoopTickDegradedAge { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A consume loop that last turned longer ago than this is unhealthy (the process lives, the loop does not turn); also
    /// the threshold of <c>/health/live</c> in a worker process. Default 30 s.
    /// </summary>
    public TimeSpan LoopTickUnhealthyAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A queue whose oldest ready task waited longer than this is degraded (backlog). Default 30 s.</summary>
    public TimeSpan OldestReadyDegradedAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A queue with ready tasks counts as served while one of its tasks succeeded within this time (a slow queue is a
    /// backlog, not an outage). Default 2 minutes.
    /// </summary>
    public TimeSpan ServedWithin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The window over which a queue's failure ratio is computed from the statistics. Default 5 minutes.</summary>
    public TimeSpan FailureRatioWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The fewest finished attempts in the window before the failure ratio is judged. Default 10.</summary>
    public int FailureRatioMinAttempts { get; set; } = 10;

    /// <summary>A failure ratio (failed ÷ finished attempts, 0 to 1) at or over this is degraded. Default 0.2.</summary>
    public double FailureRatioDegraded { get; set; } = 0.2;

    /// <summary>A failure ratio at or over this is unhealthy. Default 0.5.</summary>
    public double FailureRatioUnhealthy { get; set; } = 0.5;

    /// <summary>
    /// How long the report built from the storage is reused by the health checks of one process, so that one
    /// <c>/health</c> request (or several close together) reads the storage once. Default 1 s.
    /// </summary>
    public TimeSpan SnapshotCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the reads behind the workers, queues and probes checks may take. Default 5 s.</summary>
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
