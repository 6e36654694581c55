using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Vigil.Redis.Engine;

/// <summary>
/// Key names. Keys of one queue share the hash tag <c>{prefix:queue}</c> (one Cluster slot, so each queue's scripts are
/// atomic on Cluster); keys across queues share the tag <c>{prefix}</c> and are never touched by a queue script.
/// </summary>
internal sealed class RedisKeys
{
    private readonly ConcurrentDictionary<string, QueueKeys> _queues = new(StringComparer.Ordinal);

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

    /// <summary>The keys of one queue, built once per queue name and reused by every call.</summary>
    public QueueKeys Queue(string queue) => _queues.GetOrAdd(queue, static (q, prefix) => new QueueKeys(prefix, q), Prefix);

    /// <summary>The tag prefix of a queue's keys, <c>{prefix:queue}</c>.</summary>
    public string QueueTag(string queue) => Queue(queue).Tag;

    /// <summary>The key a queue's scripts are routed by (its meta hash).</summary>
    public RedisKey QueueMeta(string queue) => Queue(queue).Meta;

    public RedisKey Task(string queue, string id) => QueueTag(queue) + ":t:" + id;

    public RedisKey Worker(string workerId) => GlobalTag + ":worker:" + workerId;

    public RedisKey Lock(string name) => GlobalTag + ":lock:" + name;

    public RedisKey Probe(string id) => GlobalTag + ":probe:" + id;

    /// <summary>
    /// The record of an idempotency key (a string: <c>queue|task id|reserved µs</c> of the task that holds it). Global
    /// across queues by the contract, so it lives beside the id index, outside every queue's slot.
    /// </summary>
    public RedisKey Idempotency(string key) => GlobalTag + ":ik:" + key;

    /// <summary>The names of one queue's keys.</summary>
    internal sealed class QueueKeys
    {
        public QueueKeys(string prefix, string queue)
        {
            Name = queue;
            Tag = "{" + prefix + ":" + queue + "}";
            Meta = Tag + ":m";
            MetaKeys = [Meta];
            Leases = Tag + ":l";
            All = Tag + ":i:all";
        }

        public string Name { get; }

        public string Tag { get; }

        public RedisKey Meta { get; }

        /// <summary><see cref="Meta"/> as the one-key array a script call takes (never changed by callers).</summary>
        public RedisKey[] MetaKeys { get; }

        /// <summary>The lease set: running tasks by lease expiry.</summary>
        public RedisKey Leases { get; }

        /// <summary>Every task by creation order.</summary>
        public RedisKey All { get; }

        public RedisKey StateIndex(string state) => Tag + ":i:" + state;

        public RedisKey TypeIndex(string type) => Tag + ":y:" + type;
    }
}
