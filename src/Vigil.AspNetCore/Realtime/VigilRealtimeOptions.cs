namespace Vigil.AspNetCore.Realtime;

/// <summary>
/// Options of the real-time layer: how often the web process reads the storage's event feed and the states of subscribed
/// tasks, and who may join which SignalR group. Registered by <c>builder.AddVigilRealtime(...)</c>.
/// </summary>
public sealed class VigilRealtimeOptions
{
    /// <summary>How often the relay reads the storage's event feed (progress, group messages). Default 200 ms (20 ms to 10 s).</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often the relay reads the state of each task that a browser subscribed to, until the task is terminal.
    /// Default 500 ms (20 ms to 60 s).
    /// </summary>
    public TimeSpan StatePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the dashboard's overview (queues, workers) is pushed while a dashboard is open. Default 1 s (100 ms to 60 s).</summary>
    public TimeSpan DashboardPushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most events read from the feed in one call. Default 500 (1 to 10,000).</summary>
    public int EventBatchSize { get; set; } = 500;

    /// <summary>The most tasks one connection may subscribe to at once. Default 100 (1 to 10,000).</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>The most tasks whose state the relay watches at once, over all connections. Default 5,000 (1 to 1,000,000).</summary>
    public int MaxWatchedTasks { get; set; } = 5000;

    /// <summary>
    /// Decides whether a connection may join a group with <c>JoinGroup(name)</c>. Default <see langword="null"/>: any group
    /// whose name is valid, except the reserved <c>vigil:</c> groups. Task groups (<c>task:{id}</c>) are joined with
    /// <c>SubscribeTask</c> and do not pass through this hook.
    /// </summary>
    public Func<GroupJoinArguments, ValueTask<bool>>? AuthorizeGroupJoin { get; set; }
}
