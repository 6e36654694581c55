namespace Vigil.Redis.Scripts;

/// <content>The single-key scripts outside queues: lease-locks, the event feed, idempotency keys.</content>
internal static partial class LuaScripts
{
    /// <summary>
    /// Take or renew a lease-lock. KEYS[1] = lock key; ARGV[1] = owner, [2] = now µs, [3] = expiry µs, [4] = safety
    /// expiry in Redis's own clock (ms). Returns 1 when the owner holds the lock.
    /// </summary>
    public const string AcquireLock = """
        local h = redis.call('HMGET', KEYS[1], 'o', 'e')
        if not h[1] or h[1] == ARGV[1] or tonumber(h[2]) <= tonumber(ARGV[2]) then
          redis.call('HSET', KEYS[1], 'o', ARGV[1], 'e', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
          return 1
        end
        return 0
        """;

    /// <summary>Release a lock. KEYS[1] = lock key; ARGV[1] = owner.</summary>
    public const string ReleaseLock = """
        if redis.call('HGET', KEYS[1], 'o') == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>
    /// Publish a batch of events with stream ids taken from the engine's clock (so purge by time works), never below the
    /// last id. KEYS[1] = feed; ARGV[1] = max length, then per event: ms, field count, fields and values. The stream is
    /// trimmed (<c>MAXLEN ~</c>) with the last event. Returns the number of events added.
    /// </summary>
    public const string PublishEvents = """
        local lastMs = -1
        local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if top[1] then lastMs = tonumber(string.sub(top[1][1], 1, string.find(top[1][1], '-', 1, true) - 1)) end
        local n = 0
        local i = 2
        while i <= #ARGV do
          local ms = tonumber(ARGV[i])
          local count = tonumber(ARGV[i + 1])
          if ms < lastMs then ms = lastMs end
          lastMs = ms
          local args = {'XADD', KEYS[1]}
          if i + 1 + count >= #ARGV then
            args[3] = 'MAXLEN'
            args[4] = '~'
            args[5] = ARGV[1]
          end
          args[#args + 1] = string.format('%d', ms) .. '-*'
          for j = i + 2, i + 1 + count do args[#args + 1] = ARGV[j] end
          redis.call(unpack(args))
          n = n + 1
          i = i + 2 + count
        end
        return n
        """;

    /// <summary>
    /// Reserve an idempotency key. KEYS[1] = the key's record; ARGV[1] = the holder (<c>queue|id|reserved µs</c>).
    /// Returns nil when reserved for this holder, or the current holder.
    /// </summary>
    public const string IdempotencyReserve = """
        local v = redis.call('GET', KEYS[1])
        if v then return v end
        redis.call('SET', KEYS[1], ARGV[1])
        return false
        """;

    /// <summary>
    /// Replace the holder of an idempotency key only if it is still the one the caller checked. KEYS[1] = the key's
    /// record; ARGV[1] = the holder seen, ARGV[2] = the new holder. Returns 1 when replaced.
    /// </summary>
    public const string IdempotencySwap = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// Release an idempotency key if a given task still holds it. KEYS[1] = the key's record; ARGV[1] = the holder's
    /// <c>queue|id|</c> prefix. Returns 1 when released.
    /// </summary>
    public const string IdempotencyRelease = """
        local v = redis.call('GET', KEYS[1])
        if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;
}
