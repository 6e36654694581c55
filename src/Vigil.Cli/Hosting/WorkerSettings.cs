namespace Vigil.Cli.Hosting;

/// <summary>The worker settings given on the command line; <see langword="null"/> keeps the configured value or default.</summary>
internal sealed record WorkerSettings
{
    /// <summary>Whether this process runs a worker.</summary>
    public bool RunWorker { get; init; } = true;

    /// <summary>The queues to consume, in priority order.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>The concurrent slots.</summary>
    public int? Concurrency { get; init; }

    /// <summary>The lease length.</summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>How long in-flight tasks may finish at shutdown.</summary>
    public TimeSpan? ShutdownGracePeriod { get; init; }

    /// <summary>Applies the settings given on top of the configuration (<c>Vigil__*</c> environment variables, appsettings).</summary>
    /// <param name="options">The options to change.</param>
    public void ApplyTo(VigilOptions options)
    {
        options.RunWorker = RunWorker;
        if (Queues is { Count: > 0 })
        {
            options.Queues.Clear();
            foreach (var queue in Queues)
            {
                options.Queues.Add(queue);
            }
        }

        if (Concurrency is { } concurrency)
        {
            options.Concurrency = concurrency;
        }

        if (LeaseDuration is { } lease)
        {
            options.LeaseDuration = lease;

            // The renewal must come well inside the lease, or a slow renewal loses a healthy task to another worker.
            if (options.LeaseRenewInterval * 2 > lease)
            {
                options.LeaseRenewInterval = lease / 3;
            }
        }

        if (ShutdownGracePeriod is { } grace)
        {
            options.ShutdownGracePeriod = grace;
        }
    }
}
