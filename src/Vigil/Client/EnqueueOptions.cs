namespace Vigil.Client;

/// <summary>Per-task options given at enqueue. Unset values take the defaults of <see cref="VigilOptions"/>.</summary>
public sealed class EnqueueOptions
{
    /// <summary>The queue. Default: <see cref="VigilOptions.DefaultQueue"/> (<c>default</c>).</summary>
    public string? Queue { get; set; }

    /// <summary>How many attempts the task may have (1 to 1000). Default: <see cref="VigilOptions.DefaultMaxAttempts"/>.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>How long one attempt may run. Default: <see cref="VigilOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Run no sooner than this long from now. Exclusive with <see cref="ScheduledAt"/>.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Run no sooner than this time. Exclusive with <see cref="Delay"/>.</summary>
    public DateTimeOffset? ScheduledAt { get; set; }

    /// <summary>
    /// While a task with this key is not finished, enqueuing again with the same key returns that task's id instead of
    /// adding a duplicate. At most 200 characters.
    /// </summary>
    public string? IdempotencyKey { get; set; }
}
