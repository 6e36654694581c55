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

    /// <summary>
    /// Enqueue, for tasks of the queues of one slot in one atomic step. ARGV[8] = order milliseconds, then 11 per task:
    /// queue, id, type, payload, max attempts, timeout ticks, due µs, idempotency key, traceparent, tracestate ('' =
    /// none), order hint. Returns per task 1 when stored, 0 when a task with this id was stored already (an earlier try
    /// of the same call). Idempotency keys were reserved by the engine before; the script only records the key.
    /// </summary>
    /// <remarks>
    /// Creation order (the list indexes' score) is milliseconds × 1000 + a counter. The counter is the larger of the
    /// queue's own counter for that millisecond (kept in its meta hash, so producers on several machines stay ordered
    /// within a queue) and the engine's order hint (the process's own counter, so one batch across queues — and so
    /// across slots and scripts — keeps its order).
    /// </remarks>
    public const string Enqueue = Header + ZOps + Stats + Promote + """
        local orderMs = tonumber(ARGV[8])
        local counters = {}
        local out = {}
        local i = 9
        while i <= #ARGV do
          local queue, id, ty, p, ma, to, due, ik, tp, ts, hint = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9], tonumber(ARGV[i+10])
          i = i + 11
          useQueue(queue)
          if not counters[queue] then
            promote()
            ensureGroup()
            local last = redis.call('HMGET', M, 'om', 'on')
            counters[queue] = (last[1] == ARGV[8]) and tonumber(last[2]) or -1
          end
          local key = tk(id)
          if redis.call('EXISTS', key) == 1 then
            out[#out + 1] = 0
          else
            local c = counters[queue] + 1
            if hint > c then c = hint end
            counters[queue] = c
            if c > 999 then c = 999 end
            local o = str(orderMs * 1000 + c)
            local h = {'HSET', key, 'id', id, 'ty', ty, 'q', queue, 'p', p, 'a', '0', 'ma', ma, 'om', ma, 'c', nowS, 'o', o, 'n', '0'}
            if to ~= '' then h[#h + 1] = 'to'; h[#h + 1] = to end
            if ik ~= '' then h[#h + 1] = 'ik'; h[#h + 1] = ik end
            if tp ~= '' then h[#h + 1] = 'tp'; h[#h + 1] = tp end
            if ts ~= '' then h[#h + 1] = 'ts'; h[#h + 1] = ts end
            if due ~= '' then h[#h + 1] = 'du'; h[#h + 1] = due end
            local st
            if due ~= '' and tonumber(due) > now then
              st = 'scheduled'
              zset(D, id, due)
            else
              st = 'queued'
              local sid = redis.call('XADD', S, '*', 'id', id)
              h[#h + 1] = 'sid'; h[#h + 1] = sid
              h[#h + 1] = 'rs'; h[#h + 1] = nowS
              wake()
            end
            h[#h + 1] = 'st'; h[#h + 1] = st
            redis.call(unpack(h))
            zset(K .. ':i:all', id, o)
            zset(K .. ':y:' .. ty, id, o)
            zset(idx(st), id, o)
            stat(ty, 'e', 1)
            out[#out + 1] = 1
          end
        end
        for q, c in pairs(counters) do
          if c >= 0 then
            useQueue(q)
            redis.call('HSET', M, 'om', ARGV[8], 'on', str(c))
          end
        end
        flushZ()
        flushStats()
        publish()
        return out
        """;

    /// <summary>
    /// Claim from the queues ARGV[11..] (of one slot), in that priority order: a later queue only fills what the earlier
    /// ones left. ARGV[8] = worker, ARGV[9] = lease expiry µs, ARGV[10] = max count. Returns 12 per task: position of its
    /// queue in ARGV[11..] (1-based), id, type, payload, attempt, max attempts, timeout ticks, created µs, ready-since µs,
    /// traceparent, tracestate, taken over (0/1). Every claimed task's lease ends at ARGV[9].
    /// </summary>
    /// <remarks>
    /// All of a worker's queues in one call (on one server they share the slot): one round trip per claim, where a
    /// worker asking for its private queue first, then its shared queues, would otherwise pay one per queue.
    /// </remarks>
    public const string Claim = Header + ZOps + Stats + Promote + """
        local worker, le, max = ARGV[8], ARGV[9], tonumber(ARGV[10])
        local out = {}
        local n = 0
        local position = 0
        local F = {'st', 'a', 'n', 'ty', 'p', 'ma', 'to', 'c', 'tp', 'ts', 'sid', 'rs', 'le'}
        local function claim(id, key, h, rs, takeover)
          local a = tonumber(h[2]) + 1
          local k = tostring(tonumber(h[3]) + 1)
          redis.call('HSET', key, 'st', 'running', 'a', a, 'n', k, 'lo', worker, 'le', le,
            k .. ':n', a, k .. ':w', worker, k .. ':s', nowS)
          zset(L, id, le)
          local w = (now - tonumber(rs)) * 10
          if w < 0 then w = 0 end
          stat(h[4], 'wc', 1)
          stat(h[4], 'wt', w)
          statMaxOf(h[4], 'wm', w)
          n = n + 1
          local j = #out
          out[j + 1] = position
          out[j + 2] = id
          out[j + 3] = h[4]
          out[j + 4] = h[5]
          out[j + 5] = a
          out[j + 6] = h[6]
          out[j + 7] = h[7] or ''
          out[j + 8] = h[8]
          out[j + 9] = rs
          out[j + 10] = h[9] or ''
          out[j + 11] = h[10] or ''
          out[j + 12] = takeover
        end
        for qi = 11, #ARGV do
          if n >= max then break end
          position = qi - 10
          useQueue(ARGV[qi])
          promote()
          -- Take over tasks whose worker vanished: their lease is over by the engine's clock (not Redis's idle time).
          local exp = redis.call('ZRANGEBYSCORE', L, '-inf', nowS, 'LIMIT', 0, max - n)
          for _, id in ipairs(exp) do
            local key = tk(id)
            local h = redis.call('HMGET', key, unpack(F))
            if h[1] ~= 'running' then
              zrem(L, id)
            else
              local k = h[3]
              redis.call('HSET', key, k .. ':e', nowS, k .. ':o', 'lease-expired')
              -- Move the pending entry to the new owner, so XPENDING shows who runs it.
              if h[11] then redis.call('XCLAIM', S, G, worker, 0, h[11], 'JUSTID') end
              claim(id, key, h, h[13], 1)
            end
          end
          if n < max then
            -- No EXISTS first: a missing stream (nothing ever queued here) answers NOGROUP: nothing to claim.
            local r = redis.pcall('XREADGROUP', 'GROUP', G, worker, 'COUNT', max - n, 'STREAMS', S, '>')
            if type(r) == 'table' and r.err then
              if string.sub(r.err, 1, 7) ~= 'NOGROUP' then return redis.error_reply(r.err) end
            elseif r then
              local stale = nil
              for _, e in ipairs(r[1][2]) do
                local sid = e[1]
                local id = e[2][2]
                local key = tk(id)
                local h = redis.call('HMGET', key, unpack(F))
                if h[1] == 'queued' and h[11] == sid then
                  zrem(idx('queued'), id)
                  claim(id, key, h, h[12], 0)
                else
                  -- A stale entry (its task was deleted or moved on): drop it so the stream stays bounded.
                  stale = stale or {}
                  stale[#stale + 1] = sid
                end
              end
              if stale then
                redis.call('XACK', S, G, unpack(stale))
                redis.call('XDEL', S, unpack(stale))
              end
            end
          end
        end
        flushZ()
        flushStats()
        publish()
        return out
        """;

    /// <summary>Renew. ARGV[8] = worker, ARGV[9] = lease expiry µs, then task ids. Returns per task: held (0/1), cancel requested (0/1).</summary>
    public const string Renew = Header + ZOps + """
        local worker, le = ARGV[8], ARGV[9]
        local out = {}
        for i = 10, #ARGV do
          local id = ARGV[i]
          local key = tk(id)
          local h = redis.call('HMGET', key, 'st', 'lo', 'cr', 'sid')
          if h[1] == 'running' and h[2] == worker then
            redis.call('HSET', key, 'le', le)
            zset(L, id, le)
            -- Reset the pending entry's idle time too (XCLAIM ... JUSTID), so XPENDING tells operators the truth.
            if h[4] then redis.call('XCLAIM', S, G, worker, 0, h[4], 'JUSTID') end
            out[#out + 1] = 1
          else
            out[#out + 1] = 0
          end
          out[#out + 1] = (h[1] == 'running' and h[3] == '1') and 1 or 0
        end
        flushZ()
        return out
        """;
}
