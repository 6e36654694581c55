namespace Vigil;

/// <summary>
/// Options of the Vigil core: defaults for tasks, the worker, leases, retries and retention. Bound from the
/// <c>Vigil</c> configuration section and validated at start-up (every problem reported in one exception).
/// </summary>
public sealed class VigilOptions
{
    /// <summary>The queue of tasks enqueued without one. Default <c>default</c>.</summary>
    public string DefaultQueue { get; set; } = Tasks.TaskNames.DefaultQueue;

    /// <summary>Attempts a task may have when its enqueue does not say. Default 5.</summary>
    public int DefaultMaxAttempts { get; set; } = 5;

    /// <summary>How long one attempt may run when its enqueue does not say. Default 10 minutes.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest payload accepted at enqueue, in UTF-8 bytes. Default 1 MiB (1,048,576).</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether this process runs a worker (a web process may only enqueue). Default <see langword="true"/>.</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>The queues this process's worker consumes, in priority order. Default <c>[default]</c>.</summary>
    public IList<string> Queues { get; } = [Tasks.TaskNames.DefaultQueue];

    /// <summary>The worker's concurrent slots. Default: the processor count × 4 (at least 4).</summary>
    public int Concurrency { get; set; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>How long a claimed task's lease lasts unless renewed; a dead worker's tasks are taken over after it. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker renews the leases of its running tasks. Default 10 s (must be under <see cref="LeaseDuration"/>).</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a worker waits for work before it polls again (the engine may wake it sooner). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a worker writes its heartbeat. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry's delay; each later one doubles it, with jitter. Default 2 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay. Default 10 minutes.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The random part of each retry delay, as a fraction of it (0 to 1). Default 0.2.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>At shutdown, how long in-flight tasks may finish before they are cancelled and released. Default 10 s.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a handler may ignore its cancellation (timeout, abort) before it is abandoned: its task is retried
    /// elsewhere and the worker marks itself for recycling. Default 5 s.
    /// </summary>
    public TimeSpan AbandonGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long succeeded and cancelled tasks are kept. Default 1 day.</summary>
    public TimeSpan SucceededRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long dead tasks (dead letters) are kept. Default 7 days.</summary>
    public TimeSpan DeadRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long per-minute statistics, events and stale worker records are kept. Default 1 day.</summary>
    public TimeSpan StatisticsRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Whether the worker publishes a <c>task.state</c> event on the storage's event feed after each attempt's outcome, so
    /// watching browsers update at once instead of at the web process's next poll. Costs one more storage write per
    /// attempt (measured on SQLite with trivial tasks: 15–40% of the throughput). Default <see langword="true"/>.
    /// </summary>
    public bool PublishStateEvents { get; set; } = true;

    /// <summary>
    /// How often the retention sweep removes what is past retention (one process at a time, under the storage lock
    /// <c>maintenance</c>). Default 5 minutes.
    /// </summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(5);
}
