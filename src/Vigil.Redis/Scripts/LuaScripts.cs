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
        -- Tasks made ready per queue by this script; a queue whose every such task was handed to a waiting worker
        -- (see HandOff) needs no wake-up message.
        local woke = {}
        local function wake() woke[Q] = (woke[Q] or 0) + 1 end
        local function publish()
          for q, c in pairs(woke) do
            if c > 0 then redis.call('PUBLISH', WAKE, q) end
          end
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

    /// <summary>
    /// <c>lease(...)</c>: leases a ready task to a worker (needs <see cref="ZOps"/> and <see cref="Stats"/>). <c>LF</c> names
    /// the task hash fields it needs, read with one <c>HMGET</c>.
    /// </summary>
    private const string Lease = """
        local LF = {'st', 'a', 'n', 'ty', 'p', 'ma', 'to', 'c', 'tp', 'ts', 'sid', 'rs', 'le', 'hn'}
        -- The task runs for worker until le (µs): attempt and run number go up by one, the run opens in the timeline, and
        -- its wait since rs (ready-since µs) is counted. h = the task's LF fields. A handed run (see HandOff) is marked
        -- 'hn' = its run number until the worker's first renewal says it took it. Returns the attempt.
        local function lease(id, key, h, rs, worker, le, handed)
          local a = tonumber(h[2]) + 1
          local k = tostring(tonumber(h[3]) + 1)
          if handed then
            redis.call('HSET', key, 'st', 'running', 'a', a, 'n', k, 'lo', worker, 'le', le,
              k .. ':n', a, k .. ':w', worker, k .. ':s', nowS, 'hn', k)
          else
            redis.call('HSET', key, 'st', 'running', 'a', a, 'n', k, 'lo', worker, 'le', le,
              k .. ':n', a, k .. ':w', worker, k .. ':s', nowS)
          end
          zset(L, id, le)
          local w = (now - tonumber(rs)) * 10
          if w < 0 then w = 0 end
          stat(h[4], 'wc', 1)
          stat(h[4], 'wt', w)
          statMaxOf(h[4], 'wm', w)
          return a
        end

        """;

    /// <summary>
    /// A worker's registration as waiting (see <see cref="HandOff"/>), kept in each of its queues (one slot): the sorted set
    /// <c>K:w</c> (worker → registration end µs) and the hash <c>K:wd</c> (worker → <c>channel room queue1 queue2 ...</c>).
    /// </summary>
    private const string Registration = """
        local function queueTag(q) return '{' .. P .. ':' .. q .. '}' end
        local function registration(channel, room, queues) return channel .. ' ' .. room .. ' ' .. table.concat(queues, ' ') end
        -- A registration's channel, room and queues.
        local function readRegistration(reg)
          local parts = {}
          for part in string.gmatch(reg, '%S+') do parts[#parts + 1] = part end
          local queues = {}
          for j = 3, #parts do queues[#queues + 1] = parts[j] end
          return parts[1], tonumber(parts[2]), queues
        end
        -- Registers the worker in its queues until (µs) with this room, in place of its earlier registration; the
        -- registrations that ended are dropped on the way.
        local function register(worker, untilS, channel, room, queues)
          local reg = registration(channel, room, queues)
          for _, q in ipairs(queues) do
            local k = queueTag(q)
            local ended = redis.call('ZRANGE', k .. ':w', '-inf', '(' .. nowS, 'BYSCORE', 'LIMIT', 0, 100)
            if #ended > 0 then
              redis.call('ZREM', k .. ':w', unpack(ended))
              redis.call('HDEL', k .. ':wd', unpack(ended))
            end
            redis.call('ZADD', k .. ':w', untilS, worker)
            redis.call('HSET', k .. ':wd', worker, reg)
          end
        end
        -- The new room in each of the worker's queues it is still registered on (a later claim may have ended some).
        local function writeRegistration(worker, channel, room, queues)
          local reg = registration(channel, room, queues)
          for _, q in ipairs(queues) do
            local k = queueTag(q)
            if redis.call('ZSCORE', k .. ':w', worker) then redis.call('HSET', k .. ':wd', worker, reg) end
          end
        end
        local function unregister(worker, queues)
          for _, q in ipairs(queues) do
            local k = queueTag(q)
            redis.call('ZREM', k .. ':w', worker)
            redis.call('HDEL', k .. ':wd', worker)
          end
        end

        """;

    /// <summary>
    /// <c>handOff(count, handLease)</c>: the direct hand-off of ready tasks to workers registered as waiting (needs
    /// <see cref="Lease"/> and <see cref="Registration"/>). A worker whose claim ran dry is registered in each of its
    /// queues with its process's hand-off channel, its room (how many more tasks it can start) and its queues.
    /// </summary>
    /// <remarks>
    /// Up to <c>count</c> tasks of the current queue, oldest first. Each goes to the most recent registration (the likeliest
    /// alive) and takes one from its room; a registration without room is dropped from all of the worker's queues, so a
    /// worker is never handed more than its claim could have taken. The task is leased to the worker for <c>handLease</c>
    /// µs, read from the stream by the worker's consumer (so the consumer group's pending list names it) and published on
    /// the worker's channel with every field a claim returns: the worker starts it without a claim round trip, and the
    /// engine lengthens the lease when the worker takes it (its renewal clears the run's 'hn' mark). A worker that died
    /// meanwhile, or a message that was lost, leaves a lease that soon ends; the claim that then takes the task closes the
    /// handed run as 'handoff-expired' without counting it as an attempt (see Claim).
    /// </remarks>
    private const string HandOff = """
        -- A field of a hand-off message: its length in bytes, ':', the bytes.
        local function ns(s) return #s .. ':' .. s end
        local function handOff(count, handLease)
          local handed = 0
          local WS, WD = K .. ':w', K .. ':wd'
          while handed < count do
            local waiter = redis.call('ZRANGE', WS, '+inf', '(' .. nowS, 'BYSCORE', 'REV', 'LIMIT', 0, 1)[1]
            if not waiter then break end
            local reg = redis.call('HGET', WD, waiter)
            if not reg then
              redis.call('ZREM', WS, waiter)
            else
              local channel, room, queues = readRegistration(reg)
              local task = nil
              -- The oldest entry not yet delivered; stale ones (their task deleted or moved on) are dropped on the way.
              for _ = 1, 10 do
                local r = redis.call('XREADGROUP', 'GROUP', G, waiter, 'COUNT', 1, 'STREAMS', S, '>')
                local e = r and r[1][2][1]
                if not e then break end
                local sid, id = e[1], e[2][2]
                local key = tk(id)
                local h = redis.call('HMGET', key, unpack(LF))
                if h[1] == 'queued' and h[11] == sid then
                  task = {id, key, h}
                  break
                end
                redis.call('XACK', S, G, sid)
                redis.call('XDEL', S, sid)
              end
              if not task then break end
              if room > 1 then writeRegistration(waiter, channel, room - 1, queues) else unregister(waiter, queues) end
              local id, key, h = task[1], task[2], task[3]
              local le = str(now + handLease)
              zrem(idx('queued'), id)
              local a = lease(id, key, h, h[12], waiter, le, true)
              redis.call('PUBLISH', channel, ns(waiter) .. ns(Q) .. ns(id) .. ns(h[4]) .. ns(h[5]) .. ns(tostring(a))
                .. ns(h[6]) .. ns(h[7] or '') .. ns(h[8]) .. ns(h[12]) .. ns(h[9] or '') .. ns(h[10] or '') .. ns(le))
              handed = handed + 1
            end
          end
          return handed
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
