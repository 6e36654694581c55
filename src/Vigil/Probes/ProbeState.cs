namespace Vigil.Probes;

/// <summary>Where a probe target stands.</summary>
internal enum ProbeState
{
    /// <summary>The last probe was consumed within its deadline, and none waits past it.</summary>
    Ok = 0,

    /// <summary>A probe is on its way and still within its deadline, and none was consumed yet for this target.</summary>
    Pending = 1,

    /// <summary>A probe has waited past its deadline: the target did not consume it.</summary>
    Missed = 2,

    /// <summary>The last probe was consumed but its task failed (dead): the target consumes, yet something is wrong.</summary>
    Failed = 3,
}
