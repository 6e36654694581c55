namespace Vigil.Recovery;

/// <summary>
/// Options of the recovery ladder that watches the worker of this process. Bound from the <c>Vigil:Recovery</c>
/// configuration section.
/// </summary>
/// <remarks>
/// The worker is <i>stuck</i> when its consume loop last turned longer ago than <see cref="LoopStaleAfter"/>, or when a
/// probe has waited in its private queue longer than its deadline while it had a free slot. Then, each step only if the
/// one before did not help within <see cref="StepTimeout"/>: (1) rebuild the storage connection, (2) restart the consume
/// loops, (3) drain and exit with <see cref="VigilExitCodes.Unresponsive"/> (76) so the supervisor starts a fresh process.
/// </remarks>
public sealed class RecoveryOptions
{
    /// <summary>Whether the ladder runs. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the watchdog looks at the worker. Default 2 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A consume loop that last turned longer ago than this is stuck. Default 30 s.</summary>
    public TimeSpan LoopStaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a step may take to make the worker consume again before the next step. Default 15 s.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether a missed worker probe (one that waits in the private queue past its deadline) counts as stuck. Default <see langword="true"/>.</summary>
    public bool WatchWorkerProbe { get; set; } = true;
}
