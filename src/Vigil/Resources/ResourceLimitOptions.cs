namespace Vigil.Resources;

/// <summary>
/// Limits past which the worker of this process recycles itself gracefully: it claims nothing more, lets its running tasks
/// finish (or releases them back to the queue after the shutdown grace period: nothing is lost), and exits with
/// <see cref="VigilExitCodes.Recycle"/> (75) for its supervisor to start a fresh process. Bound from the
/// <c>Vigil:Resources</c> configuration section.
/// </summary>
public sealed class ResourceLimitOptions
{
    /// <summary>The working-set ceiling in bytes; <see langword="null"/> for none. Default none.</summary>
    public long? MaxWorkingSetBytes { get; set; }

    /// <summary>
    /// The most attempts the worker finishes (every attempt counts, sentinel probes included) before it recycles;
    /// <see langword="null"/> for no limit. Default none.
    /// </summary>
    public long? MaxTasks { get; set; }

    /// <summary>How often the limits are checked. Default 1 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
