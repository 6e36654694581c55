using StackExchange.Redis;

namespace Vigil.Redis.Engine;

/// <summary>
/// Key names. Keys of one queue share the hash tag <c>{prefix:queue}</c> (one Cluster slot, so each queue's scripts are
/// atomic on Cluster); keys across queues share the tag <c>{prefix}</c>.
/// </summary>
internal sealed class RedisKeys
{
    public RedisKeys(string prefix)
    {
        Prefix = prefix;
        var global = "{" + prefix + "}";
        Queues = global + ":queues";
        Ids = global + ":ids";
        Workers = global + ":workers";
        Events = global + ":events";
        Version = global + ":version";
        WakeChannel = RedisChannel.Literal(global + ":wake");
        WakeChannelName = global + ":wake";
        GlobalTag = global;
    }

    public string Prefix { get; }

    public string GlobalTag { get; }

    /// <summary>Set of every queue name that ever had a task.</summary>
    public RedisKey Queues { get; }

    /// <summary>Hash task id → queue name, to find a task by id alone.</summary>
    public RedisKey Ids { get; }

    /// <summary>Sorted set worker id → last heartbeat (µs); each record is in <see cref="Worker"/>.</summary>
    public RedisKey Workers { get; }

    /// <summary>The capped event feed stream.</summary>
    public RedisKey Events { get; }

    /// <summary>The schema version marker.</summary>
    public RedisKey Version { get; }

    /// <summary>The pub/sub channel that wakes waiting workers; the message is the queue name.</summary>
    public RedisChannel WakeChannel { get; }

    public string WakeChannelName { get; }

    /// <summary>The tag prefix of a queue's keys, <c>{prefix:queue}</c>.</summary>
    public string QueueTag(string queue) => "{" + Prefix + ":" + queue + "}";

    /// <summary>The key a queue's scripts are routed by (its meta hash).</summary>
    public RedisKey QueueMeta(string queue) => QueueTag(queue) + ":m";

    public RedisKey Task(string queue, string id) => QueueTag(queue) + ":t:" + id;

    public RedisKey Worker(string workerId) => GlobalTag + ":worker:" + workerId;

    public RedisKey Lock(string name) => GlobalTag + ":lock:" + name;

    public RedisKey Probe(string id) => GlobalTag + ":probe:" + id;
}
