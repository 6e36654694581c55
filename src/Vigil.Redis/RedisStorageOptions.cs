namespace Vigil.Redis;

/// <summary>
/// Options of the Redis storage engine, set by <c>UseRedis(configuration, o => ...)</c> (not read from a configuration
/// section), and validated at start-up (every problem reported in one exception).
/// </summary>
public sealed class RedisStorageOptions
{
    /// <summary>
    /// Where Redis is: a <c>redis://[user:password@]host:port[/db][?option=value&amp;...]</c> URL (<c>rediss://</c> for TLS),
    /// or a StackExchange.Redis configuration string such as <c>host:port,password=...,ssl=true</c>. Required.
    /// </summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>
    /// The prefix of every key Vigil writes, so several Vigil installations (or tests) can share one Redis.
    /// Letters, digits, '-', '_' or '.'. Default <c>vigil</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "vigil";

    /// <summary>The longest any storage call may take before it throws <c>StorageUnavailableException</c>. Default 5 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long connecting may take before it fails with a specific message. Default 3 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often the connection watchdog pings Redis. Default 1 s. A tick is skipped when another command was answered
    /// within the last interval (it proved the connection alive already).
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the watchdog waits for one ping's answer before it counts a failure. Default 1 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Consecutive failed pings after which the watchdog drops the connection and builds a new one (instead of waiting on
    /// a half-open socket). Default 3, so a silently dead connection is replaced within about
    /// <c>FailuresBeforeReconnect × (PingInterval + PingTimeout)</c> = 6 s.
    /// </summary>
    public int FailuresBeforeReconnect { get; set; } = 3;

    /// <summary>
    /// While Redis is unreachable, how long an enqueue keeps trying before it throws <c>StorageUnavailableException</c>.
    /// Default zero: fail fast, so the caller knows at once that the task was not stored.
    /// </summary>
    public TimeSpan EnqueueWaitWhenUnavailable { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Safety-net expiry, in Redis's own clock, of a finished task's record, in case no process runs the retention purge.
    /// Set it longer than the core's retention (<c>VigilOptions.DeadRetention</c>). Default 8 days; zero turns it off.
    /// </summary>
    public TimeSpan FinishedTaskExpiry { get; set; } = TimeSpan.FromDays(8);

    /// <summary>Expiry, in Redis's own clock, of a per-minute statistics bucket. Default 2 days; zero turns it off.</summary>
    public TimeSpan StatisticsExpiry { get; set; } = TimeSpan.FromDays(2);

    /// <summary>The approximate most events kept in the real-time event feed (<c>XADD MAXLEN ~</c>). Default 10,000.</summary>
    public int EventFeedMaxLength { get; set; } = 10_000;

    /// <summary>
    /// How long a worker whose claim found its queues empty stays registered as waiting, so the next task enqueued to one
    /// of them is handed to it directly: the enqueue leases the task to the worker and sends it on the worker's process
    /// channel, and the worker starts it without a claim round trip (about a third of an idle worker's pick-up time).
    /// An idle worker registers again at each poll, so keep this above the workers' <c>PollInterval</c>. A worker that
    /// died while registered is handed at most as many tasks as it had free slots, within this window; their short
    /// hand-off lease (10 s) then ends and another worker starts them (not counted as an attempt). Default 2 s; zero
    /// turns the hand-off off (every task then goes by wake-up and claim). In practice off on Redis Cluster.
    /// </summary>
    public TimeSpan HandOffWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Expiry, in Redis's own clock, of a worker record that stops being refreshed. Default 1 day.</summary>
    public TimeSpan WorkerRecordExpiry { get; set; } = TimeSpan.FromDays(1);
}
