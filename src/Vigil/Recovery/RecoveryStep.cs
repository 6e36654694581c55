namespace Vigil.Recovery;

/// <summary>What the recovery ladder asks the watchdog to do now.</summary>
internal enum RecoveryStep
{
    /// <summary>Nothing: the worker consumes, or the current step still has time.</summary>
    None = 0,

    /// <summary>Step 1: drop and rebuild the storage connection.</summary>
    ResetConnection = 1,

    /// <summary>Step 2: restart the consume and lease-renewal loops.</summary>
    RestartLoops = 2,

    /// <summary>Step 3: drain and exit with <see cref="VigilExitCodes.Unresponsive"/>.</summary>
    Recycle = 3,

    /// <summary>The worker consumes again after a step: announce the recovery.</summary>
    Recovered = 4,
}
