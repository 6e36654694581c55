namespace Vigil.Probes;

/// <summary>
/// Options of the sentinel: the one elected process that sends probe tasks through every queue (queue probes) and to every
/// live worker's private queue (worker probes). Bound from the <c>Vigil:Sentinel</c> configuration section.
/// </summary>
/// <remarks>
/// <para>Every process that registers the sentinel competes for the storage lock <c>sentinel</c>; the holder probes, the
/// others wait and take over within <see cref="LockDuration"/> if it vanishes. At most one probe per target is outstanding
/// at any time: a probe that missed its deadline stays outstanding (so that its eventual consumption is the proof of
/// recovery) and no new one is sent behind it. The storage enforces this too, through the probe's idempotency key.</para>
/// <para>Probe state lives in the storage as the probe tasks themselves (type <c>vigil.probe</c>, the deadline in the
/// payload); the sentinel keeps only the outstanding and the last consumed probe per target, so every process derives the
/// same probe states.</para>
/// </remarks>
public sealed class SentinelOptions
{
    /// <summary>Whether this process takes part in the sentinel election. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each target gets a new probe (once its previous one was consumed). Default 10 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a probe may wait to be consumed before it is missed. Default 10 s.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the sentinel checks its outstanding probes and the health of the system (for alerts). Default 1 s. While
    /// everything is healthy and no probe is outstanding or due, it checks up to five times less often (at most every half
    /// <see cref="Interval"/>), so an idle system is not read every second for nothing.
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the sentinel lock is held unless renewed; another process takes over after it. Default 30 s.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to send queue probes. Default <see langword="true"/>.</summary>
    public bool ProbeQueues { get; set; } = true;

    /// <summary>Whether to send worker probes. Default <see langword="true"/>.</summary>
    public bool ProbeWorkers { get; set; } = true;

    /// <summary>
    /// Queues probed even when no worker consumes them and they hold no task (so that a queue whose workers all vanished is
    /// reported). Besides these, every queue a live worker consumes and every queue with waiting or running tasks is probed.
    /// Default empty.
    /// </summary>
    public IList<string> Queues { get; } = [];
}
