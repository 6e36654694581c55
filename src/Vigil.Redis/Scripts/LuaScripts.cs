namespace Vigil.Redis.Scripts;

/// <summary>
/// The Lua scripts that make each state change one atomic step. Every queue script gets <c>KEYS[1]</c> = the queue's meta
/// key (which routes it to the queue's slot) and <c>ARGV[1..7]</c> = key prefix, now (µs since the Unix epoch, from the
/// engine's TimeProvider), the statistics minute (µs), the statistics and finished-task expiries (seconds, 0 = none),
/// the queue, and the wake-up channel.
/// </summary>
/// <remarks>
/// <para>
/// <b>One slot per script.</b> A queue script touches only keys with its queue's hash tag <c>{prefix:queue}</c> (the
/// enqueue script: the queues of one slot), never a global key, so every script runs on Redis Cluster. What spans
/// slots — the id index, the queue set, idempotency keys, the event feed — is written by the engine around the scripts,
/// in an order that leaves nothing unsafe behind a crash (see <c>RedisVigilStorage</c>).
/// </para>
/// <para>
/// <b>Few Redis calls per task.</b> Each <c>redis.call</c> from Lua costs about half a microsecond besides the command
/// itself, so per-task work is one read and one write of the task hash, and everything else is gathered per call:
/// sorted-set changes (<see cref="ZOps"/>), statistics (<see cref="Stats"/>), stream acknowledgements.
/// </para>
/// <para>
/// Numbers that may exceed Lua's 14-digit number formatting are always formatted with <c>%d</c> before they go back to
/// Redis; times are stored as integer microseconds since the Unix epoch.
/// </para>
/// </remarks>
internal static partial class LuaScripts
{
    /// <summary>The common arguments and the helpers that point at one queue's keys.</summary>
    private const string Header = """
        local P = ARGV[1]
        local nowS = ARGV[2]
        local now = tonumber(nowS)
        local minute = ARGV[3]
        local statTtl = tonumber(ARGV[4])
        local finTtl = tonumber(ARGV[5])
        local WAKE = ARGV[7]
        local G = 'vigil'
        local Q, K, S, D, L, M
        -- Points every helper at one queue's keys (the {prefix:queue} hash tag).
        local function useQueue(q)
          Q = q
          K = '{' .. P .. ':' .. q .. '}'
          S = K .. ':s'
          D = K .. ':d'
          L = K .. ':l'
          M = K .. ':m'
        end
        useQueue(ARGV[6])
        local function str(n) return string.format('%d', n) end
        local function tk(id) return K .. ':t:' .. id end
        local function finish(key)
          if finTtl > 0 then redis.call('EXPIRE', key, finTtl) end
        end
        local woke = {}
        local function wake() woke[Q] = true end
        local function publish()
          for q, _ in pairs(woke) do redis.call('PUBLISH', WAKE, q) end
        end

        """;

    /// <summary>
    /// Sorted-set changes gathered per key and applied with one <c>ZADD</c> and one <c>ZREM</c> per key at the end
    /// (<c>flushZ</c>). The last change of a member wins, so "promoted into the queued index, then claimed out of it" in
    /// one script nets out right. Reads of a set inside a script happen before the script changes that set.
    /// </summary>
    private const string ZOps = """
        local zkeys, zops = {}, {}
        local function zset(key, member, score)
          local t = zops[key]
          if not t then
            t = {}
            zops[key] = t
            zkeys[#zkeys + 1] = key
          end
          t[member] = score
        end
        -- A score of false removes the member.
        local function zrem(key, member) zset(key, member, false) end
        local function send(args)
          -- Lua's unpack has a stack limit: large batches go in chunks.
          if #args > 2 then redis.call(unpack(args)) end
        end
        local function flushZ()
          for _, key in ipairs(zkeys) do
            local add, rem = {'ZADD', key}, {'ZREM', key}
            for m, s in pairs(zops[key]) do
              if s then
                add[#add + 1] = s
                add[#add + 1] = m
                if #add >= 2002 then send(add) add = {'ZADD', key} end
              else
                rem[#rem + 1] = m
                if #rem >= 1002 then send(rem) rem = {'ZREM', key} end
              end
            end
            send(rem)
            send(add)
          end
          zkeys, zops = {}, {}
        end
        -- The per-state list index of a queue ('running' has none: the lease set lists running tasks). Names are built
        -- once per queue and state: every string a script makes costs an allocation and a hash in Redis's Lua.
        local idxNames = {}
        local function idx(state)
          local names = idxNames[K]
          if not names then
            names = {}
            idxNames[K] = names
          end
          local name = names[state]
          if not name then
            name = K .. ':i:' .. state
            names[state] = name
          end
          return name
        end

        """;

    /// <summary>
    /// Statistics summed in the script and written with one <c>HMGET</c> and one <c>HSET</c> per bucket at the end
    /// (<c>flushStats</c>). The bucket's <c>_</c> field marks it known: only a new bucket is added to the minute index and
    /// given its expiry. <c>_ok</c> is the last success in the bucket; the queue's meta hash points (<c>okb</c>) at the
    /// newest bucket with one, written only at the first success of a bucket.
    /// </summary>
    /// <remarks>
    /// Sums pass through Lua's doubles, exact to the unit up to 2^53: 9·10^15 ticks of run or wait time (28 years) summed
    /// in one bucket (one minute, one task type).
    /// </remarks>
    private const string Stats = """
        local statKeys, statInc, statMax, statOk = {}, {}, {}, {}
        local bucketOf, fieldNames = {}, {}
        local function bucket()
          local sk = bucketOf[K]
          if not sk then
            sk = K .. ':st:' .. minute
            bucketOf[K] = sk
            statInc[sk], statMax[sk] = {}, {}
            statKeys[#statKeys + 1] = {sk, K, M}
          end
          return sk
        end
        -- 'type|counter', built once per type and counter.
        local function field(ty, f)
          local names = fieldNames[ty]
          if not names then
            names = {}
            fieldNames[ty] = names
          end
          local name = names[f]
          if not name then
            name = ty .. '|' .. f
            names[f] = name
          end
          return name
        end
        local function stat(ty, f, inc)
          local a = statInc[bucket()]
          local name = field(ty, f)
          a[name] = (a[name] or 0) + inc
        end
        local function statMaxOf(ty, f, v)
          local m = statMax[bucket()]
          local name = field(ty, f)
          if not m[name] or v > m[name] then m[name] = v end
        end
        local function statSucceeded() statOk[bucket()] = true end
        local function flushStats()
          for _, entry in ipairs(statKeys) do
            local sk, tag, meta = entry[1], entry[2], entry[3]
            local inc, mx = statInc[sk], statMax[sk]
            local names = {'_', '_ok'}
            for f, _ in pairs(inc) do names[#names + 1] = f end
            local counted = #names
            for f, _ in pairs(mx) do names[#names + 1] = f end
            local cur = redis.call('HMGET', sk, unpack(names))
            local set = {'HSET', sk}
            for j = 3, #names do
              local f = names[j]
              local c = tonumber(cur[j]) or 0
              if j <= counted then
                set[#set + 1] = f
                set[#set + 1] = str(c + inc[f])
              elseif mx[f] > c then
                set[#set + 1] = f
                set[#set + 1] = str(mx[f])
              end
            end
            if not cur[1] then
              set[#set + 1] = '_'
              set[#set + 1] = '1'
            end
            if statOk[sk] then
              set[#set + 1] = '_ok'
              set[#set + 1] = nowS
              if not cur[2] then redis.call('HSET', meta, 'okb', minute) end
            end
            if #set > 2 then redis.call(unpack(set)) end
            if not cur[1] then
              redis.call('ZADD', tag .. ':sti', minute, minute)
              if statTtl > 0 then redis.call('EXPIRE', sk, statTtl) end
            end
          end
        end

        """;

    /// <summary>
    /// <c>nextDue()</c>: when the first delayed task or lease of the current queue (see <c>useQueue</c>) falls due, in µs,
    /// or nil when it has neither.
    /// </summary>
    private const string NextDue = """
        local function nextDue()
          local next = nil
          for _, z in ipairs({D, L}) do
            local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
            if first[2] then
              local t = tonumber(first[2])
              if not next or t < next then next = t end
            end
          end
          return next
        end

        """;

    /// <summary>Moving due delayed tasks into the stream (needs <see cref="ZOps"/>).</summary>
    private const string Promote = """
        local function ensureGroup()
          if redis.call('EXISTS', S) == 0 then redis.call('XGROUP', 'CREATE', S, G, '0', 'MKSTREAM') end
        end
        -- Ready tasks enter the stream in the order they became ready: every script promotes due delayed tasks before it
        -- appends anything, so stream order is ready-since order ("oldest ready first").
        local function promote()
          local due = redis.call('ZRANGEBYSCORE', D, '-inf', nowS, 'LIMIT', 0, 1000)
          if #due == 0 then return end
          ensureGroup()
          local rem = {'ZREM', D}
          for _, id in ipairs(due) do
            rem[#rem + 1] = id
            local key = tk(id)
            local h = redis.call('HMGET', key, 'st', 'du', 'o')
            if h[1] == 'scheduled' or h[1] == 'retrying' then
              local sid = redis.call('XADD', S, '*', 'id', id)
              redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', h[2])
              zrem(idx(h[1]), id)
              zset(idx('queued'), id, h[3])
              wake()
            end
          end
          redis.call(unpack(rem))
        end

        """;
}
