namespace Vigil.Redis.Scripts;

/// <summary>
/// The Lua scripts that make each state change one atomic step. Every queue script gets <c>KEYS[1]</c> = the queue's meta
/// key (which routes it to the queue's slot) and <c>ARGV[1..7]</c> = key prefix, now (µs since the Unix epoch, from the
/// engine's TimeProvider), the statistics minute (µs), the statistics and finished-task expiries (seconds, 0 = none),
/// the queue, and the wake-up channel. Queue keys start with the queue's tag <c>{prefix:queue}</c>; the global
/// idempotency and creation-order keys have the tag <c>{prefix}</c>.
/// </summary>
/// <remarks>
/// Numbers that may exceed Lua's 14-digit number formatting are always formatted with <c>%d</c> before they go back to
/// Redis; times are stored as integer microseconds since the Unix epoch.
/// </remarks>
internal static class LuaScripts
{
    private const string Prelude = """
        local P = ARGV[1]
        local nowS = ARGV[2]
        local now = tonumber(nowS)
        local minute = ARGV[3]
        local statTtl = tonumber(ARGV[4])
        local finTtl = tonumber(ARGV[5])
        local WAKE = ARGV[7]
        local IDEM = '{' .. P .. '}:idem'
        local G = 'vigil'
        local Q, K, S, D, L, M
        local sk
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
        local function move(id, from, to, order)
          if from == to then return end
          if from then redis.call('ZREM', K .. ':i:' .. from, id) end
          if to then redis.call('ZADD', K .. ':i:' .. to, order, id) end
        end
        -- Statistics are summed in the script and written once per key at the end (flushStats), not per task.
        local acc, mx, order = {}, {}, {}
        local function stat(ty, f, inc)
          sk = K .. ':st:' .. minute
          local a = acc[sk]
          if not a then
            a = {}
            acc[sk] = a
            mx[sk] = {}
            order[#order + 1] = {sk, K}
          end
          local field = ty .. '|' .. f
          a[field] = (a[field] or 0) + tonumber(inc)
        end
        local function statMax(ty, f, v)
          local m = mx[sk]
          local field = ty .. '|' .. f
          if not m[field] or v > m[field] then m[field] = v end
        end
        local function flushStats()
          for _, entry in ipairs(order) do
            local key, tag = entry[1], entry[2]
            for field, inc in pairs(acc[key]) do redis.call('HINCRBY', key, field, str(inc)) end
            for field, v in pairs(mx[key]) do
              local cur = tonumber(redis.call('HGET', key, field) or '0')
              if v > cur then redis.call('HSET', key, field, str(v)) end
            end
            if redis.call('ZADD', tag .. ':sti', 'NX', minute, minute) == 1 and statTtl > 0 then
              redis.call('EXPIRE', key, statTtl)
            end
          end
        end
        local function ensureGroup()
          if redis.call('EXISTS', S) == 0 then redis.call('XGROUP', 'CREATE', S, G, '0', 'MKSTREAM') end
        end
        local woke = {}
        local function wake() woke[Q] = true end
        local function publish()
          for q, _ in pairs(woke) do redis.call('PUBLISH', WAKE, q) end
        end
        -- Ready tasks enter the stream in the order they became ready: every script promotes due delayed tasks
        -- before it appends anything, so stream order is ready-since order ("oldest ready first").
        local function promote()
          local due = redis.call('ZRANGEBYSCORE', D, '-inf', nowS, 'LIMIT', 0, 1000)
          if #due == 0 then return end
          ensureGroup()
          for _, id in ipairs(due) do
            local key = tk(id)
            local h = redis.call('HMGET', key, 'st', 'du', 'o')
            redis.call('ZREM', D, id)
            if h[1] == 'scheduled' or h[1] == 'retrying' then
              local sid = redis.call('XADD', S, '*', 'id', id)
              redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', h[2])
              move(id, h[1], 'queued', h[3])
              wake()
            end
          end
        end
        -- The idempotency key is global (across queues) and held only while its task is not terminal.
        local function idemRelease(id, ik)
          if ik and ik ~= '' and redis.call('HGET', IDEM, ik) == id then redis.call('HDEL', IDEM, ik) end
        end
        local function finish(key)
          if finTtl > 0 then redis.call('EXPIRE', key, finTtl) end
        end

        """;

    /// <summary>
    /// Enqueue, for tasks of any queues in one atomic step. ARGV[8] = order milliseconds, then 10 per task: queue, id,
    /// type, payload, max attempts, timeout ticks, due µs, idempotency key, traceparent, tracestate ('' = none).
    /// Returns per task: id, deduplicated (0/1).
    /// </summary>
    public const string Enqueue = Prelude + """
        local ORDER = '{' .. P .. '}:order'
        local orderMs = tonumber(ARGV[8])
        -- One global creation order (milliseconds × 1000 + a counter within the millisecond) sorts task lists newest
        -- first across queues, even for tasks enqueued in the same millisecond.
        local last = redis.call('HMGET', ORDER, 'ms', 'n')
        local counter = -1
        if last[1] == ARGV[8] then counter = tonumber(last[2]) end
        local function nextOrder()
          counter = counter + 1
          local c = counter
          if c > 999 then c = 999 end
          return str(orderMs * 1000 + c)
        end
        local prepared = {}
        local out = {}
        local i = 9
        while i <= #ARGV do
          local queue, id, ty, p, ma, to, due, ik, tp, ts = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9]
          i = i + 10
          useQueue(queue)
          if not prepared[queue] then
            prepared[queue] = true
            promote()
            ensureGroup()
          end
          local key = tk(id)
          local dup = nil
          if redis.call('EXISTS', key) == 1 then
            -- Already stored by an earlier try of this same call: answer as then (idempotent by task id).
            out[#out + 1] = id
            out[#out + 1] = 0
          else
            if ik ~= '' then dup = redis.call('HGET', IDEM, ik) end
            if dup then
              out[#out + 1] = dup
              out[#out + 1] = 1
            else
              local o = nextOrder()
              local h = {'HSET', key, 'id', id, 'ty', ty, 'q', queue, 'p', p, 'a', '0', 'ma', ma, 'om', ma, 'c', nowS, 'o', o, 'n', '0'}
              if to ~= '' then h[#h + 1] = 'to'; h[#h + 1] = to end
              if ik ~= '' then h[#h + 1] = 'ik'; h[#h + 1] = ik end
              if tp ~= '' then h[#h + 1] = 'tp'; h[#h + 1] = tp end
              if ts ~= '' then h[#h + 1] = 'ts'; h[#h + 1] = ts end
              if due ~= '' then h[#h + 1] = 'du'; h[#h + 1] = due end
              local st
              if due ~= '' and tonumber(due) > now then
                st = 'scheduled'
                redis.call('ZADD', D, due, id)
              else
                st = 'queued'
                local sid = redis.call('XADD', S, '*', 'id', id)
                h[#h + 1] = 'sid'; h[#h + 1] = sid
                h[#h + 1] = 'rs'; h[#h + 1] = nowS
                wake()
              end
              h[#h + 1] = 'st'; h[#h + 1] = st
              redis.call(unpack(h))
              redis.call('ZADD', K .. ':i:all', o, id)
              redis.call('ZADD', K .. ':y:' .. ty, o, id)
              redis.call('ZADD', K .. ':i:' .. st, o, id)
              if ik ~= '' then redis.call('HSET', IDEM, ik, id) end
              stat(ty, 'e', 1)
              out[#out + 1] = id
              out[#out + 1] = 0
            end
          end
        end
        if counter >= 0 then redis.call('HSET', ORDER, 'ms', ARGV[8], 'n', str(counter)) end
        flushStats()
        publish()
        return out
        """;

    /// <summary>
    /// Claim. ARGV[8] = worker, ARGV[9] = lease expiry µs, ARGV[10] = max count.
    /// Returns 13 per task: id, type, payload, attempt, max attempts, timeout ticks, created µs, ready-since µs,
    /// traceparent, tracestate, taken over (0/1), cancel requested (0/1), lease expiry µs.
    /// </summary>
    public const string Claim = Prelude + """
        promote()
        local worker, le, max = ARGV[8], ARGV[9], tonumber(ARGV[10])
        local out = {}
        local n = 0
        local function claim(id, key, h, from, rs, takeover)
          local a = tonumber(h[2]) + 1
          local k = tostring(tonumber(h[3]) + 1)
          redis.call('HSET', key, 'st', 'running', 'a', a, 'n', k, 'lo', worker, 'le', le,
            k .. ':n', a, k .. ':w', worker, k .. ':s', nowS)
          redis.call('ZADD', L, le, id)
          move(id, from, 'running', h[12])
          local w = now - tonumber(rs)
          if w < 0 then w = 0 end
          stat(h[4], 'wc', 1)
          stat(h[4], 'wt', str(w * 10))
          statMax(h[4], 'wm', w * 10)
          n = n + 1
          out[#out + 1] = id
          out[#out + 1] = h[4]
          out[#out + 1] = h[5]
          out[#out + 1] = a
          out[#out + 1] = h[6]
          out[#out + 1] = h[7] or ''
          out[#out + 1] = h[8]
          out[#out + 1] = rs
          out[#out + 1] = h[10] or ''
          out[#out + 1] = h[11] or ''
          out[#out + 1] = takeover
          out[#out + 1] = (h[14] == '1') and 1 or 0
          out[#out + 1] = le
        end
        local F = {'st', 'a', 'n', 'ty', 'p', 'ma', 'to', 'c', 'le', 'tp', 'ts', 'o', 'sid', 'cr', 'rs'}
        -- Take over tasks whose worker vanished: their lease is over by the engine's clock (not Redis's idle time).
        local exp = redis.call('ZRANGEBYSCORE', L, '-inf', nowS, 'LIMIT', 0, max)
        for _, id in ipairs(exp) do
          local key = tk(id)
          local h = redis.call('HMGET', key, unpack(F))
          if h[1] ~= 'running' then
            redis.call('ZREM', L, id)
          else
            local k = h[3]
            redis.call('HSET', key, k .. ':e', nowS, k .. ':o', 'lease-expired')
            -- Move the pending entry to the new owner, so XPENDING shows who runs it.
            if h[13] then redis.call('XCLAIM', S, G, worker, 0, h[13], 'JUSTID') end
            claim(id, key, h, 'running', h[9], 1)
          end
        end
        if n < max and redis.call('EXISTS', S) == 1 then
          local r = redis.call('XREADGROUP', 'GROUP', G, worker, 'COUNT', max - n, 'STREAMS', S, '>')
          if r then
            for _, e in ipairs(r[1][2]) do
              local sid = e[1]
              local id = e[2][2]
              local key = tk(id)
              local h = redis.call('HMGET', key, unpack(F))
              if h[1] == 'queued' and h[13] == sid then
                claim(id, key, h, 'queued', h[15], 0)
              else
                -- A stale entry (its task was deleted or moved on): drop it so the stream stays bounded.
                redis.call('XACK', S, G, sid)
                redis.call('XDEL', S, sid)
              end
            end
          end
        end
        flushStats()
        return out
        """;

    /// <summary>Renew. ARGV[8] = worker, ARGV[9] = lease expiry µs, then task ids. Returns per task: held (0/1), cancel requested (0/1).</summary>
    public const string Renew = Prelude + """
        local worker, le = ARGV[8], ARGV[9]
        local out = {}
        for i = 10, #ARGV do
          local id = ARGV[i]
          local key = tk(id)
          local h = redis.call('HMGET', key, 'st', 'lo', 'cr', 'sid')
          if h[1] == 'running' and h[2] == worker then
            redis.call('HSET', key, 'le', le)
            redis.call('ZADD', L, le, id)
            -- Reset the pending entry's idle time too (XCLAIM ... JUSTID), so XPENDING tells operators the truth.
            if h[4] then redis.call('XCLAIM', S, G, worker, 0, h[4], 'JUSTID') end
            out[#out + 1] = 1
          else
            out[#out + 1] = 0
          end
          out[#out + 1] = (h[1] == 'running' and h[3] == '1') and 1 or 0
        end
        return out
        """;

    /// <summary>
    /// Complete a batch of attempts of one queue (each checked and applied on its own, all in one atomic step). ARGV[8]
    /// on: 11 per completion: id, worker, attempt, outcome (s, r, d, c, x), result, error type, message, stack,
    /// retry-at µs, timed out (0/1), run time ticks. Returns per completion 1, or 0 when the lease was not held
    /// (nothing of that one changed).
    /// </summary>
    public const string Complete = Prelude + """
        local out = {}
        local succeeded = false
        local function completeOne(id, worker, attempt, code, result, eT, eM, eS, at, timedOut, run)
          local key = tk(id)
          local h = redis.call('HMGET', key, 'st', 'lo', 'a', 'n', 'sid', 'ty', 'o', 'ik', 'ma')
          -- Fencing: only the holder of this attempt's lease may end it.
          if h[1] ~= 'running' or h[2] ~= worker or h[3] ~= attempt then return 0 end
          local k, ty, o = h[4], h[6], h[7]
          -- Acknowledge and remove the stream entry only now, in the same atomic step that stores the outcome.
          if h[5] then
            redis.call('XACK', S, G, h[5])
            redis.call('XDEL', S, h[5])
          end
          redis.call('ZREM', L, id)
          redis.call('HDEL', key, 'lo', 'le', 'sid')
          local function runStat()
            stat(ty, 'rc', 1)
            stat(ty, 'rt', run)
            statMax(ty, 'rm', tonumber(run))
          end
          local function failStat()
            stat(ty, 'f', 1)
            if timedOut then stat(ty, 't', 1) end
          end
          local function errorFields()
            redis.call('HSET', key, 'eT', eT, 'eM', eM, 'eS', eS, k .. ':eT', eT, k .. ':eM', eM, k .. ':eS', eS)
          end
          if code == 's' then
            if result ~= '' then
              redis.call('HSET', key, 'st', 'succeeded', 'f', nowS, k .. ':e', nowS, k .. ':o', 'succeeded', 'r', result)
            else
              redis.call('HSET', key, 'st', 'succeeded', 'f', nowS, k .. ':e', nowS, k .. ':o', 'succeeded')
            end
            redis.call('ZADD', K .. ':fd', nowS, id .. '|' .. ty)
            move(id, 'running', 'succeeded', o)
            idemRelease(id, h[8])
            stat(ty, 's', 1)
            runStat()
            succeeded = true
            finish(key)
          elseif code == 'r' then
            redis.call('HSET', key, 'st', 'retrying', 'du', at, k .. ':e', nowS, k .. ':o', timedOut and 'timed-out' or 'failed')
            errorFields()
            redis.call('ZADD', D, at, id)
            move(id, 'running', 'retrying', o)
            failStat()
            stat(ty, 'r', 1)
            runStat()
            if tonumber(at) <= now then wake() end
          elseif code == 'd' then
            redis.call('HSET', key, 'st', 'dead', 'f', nowS, k .. ':e', nowS, k .. ':o', 'dead')
            errorFields()
            redis.call('ZADD', K .. ':fx', nowS, id .. '|' .. ty)
            move(id, 'running', 'dead', o)
            idemRelease(id, h[8])
            failStat()
            stat(ty, 'd', 1)
            runStat()
            finish(key)
          elseif code == 'c' then
            redis.call('HSET', key, 'st', 'cancelled', 'f', nowS, k .. ':e', nowS, k .. ':o', 'cancelled')
            redis.call('ZADD', K .. ':fd', nowS, id .. '|' .. ty)
            move(id, 'running', 'cancelled', o)
            idemRelease(id, h[8])
            runStat()
            finish(key)
          else
            -- Released unrun at shutdown: queued again, and this attempt does not count against the budget.
            promote()
            ensureGroup()
            local sid = redis.call('XADD', S, '*', 'id', id)
            redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', nowS, 'ma', tonumber(h[9]) + 1,
              k .. ':e', nowS, k .. ':o', 'released')
            move(id, 'running', 'queued', o)
            wake()
          end
          return 1
        end
        for i = 8, #ARGV, 11 do
          out[#out + 1] = completeOne(ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7],
            ARGV[i+8], ARGV[i+9] == '1', ARGV[i+10])
        end
        if succeeded then redis.call('HSET', M, 'ok', nowS) end
        flushStats()
        publish()
        return out
        """;

    /// <summary>Cancel. ARGV[8] = id. Returns 1 when cancelled or its cancellation requested, 0 otherwise.</summary>
    public const string Cancel = Prelude + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'sid', 'o', 'ik', 'ty')
        local st = h[1]
        if st == 'running' then
          redis.call('HSET', key, 'cr', '1')
          return 1
        elseif st == 'scheduled' or st == 'retrying' then
          redis.call('ZREM', D, id)
        elseif st == 'queued' then
          if h[2] then redis.call('XDEL', S, h[2]) end
          redis.call('HDEL', key, 'sid')
        else
          return 0
        end
        redis.call('HSET', key, 'st', 'cancelled', 'f', nowS)
        redis.call('ZADD', K .. ':fd', nowS, id .. '|' .. h[5])
        move(id, st, 'cancelled', h[3])
        idemRelease(id, h[4])
        finish(key)
        return 1
        """;

    /// <summary>Retry by hand. ARGV[8] = id. Returns 1 when queued again with a fresh budget of attempts.</summary>
    public const string Retry = Prelude + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'o', 'ik', 'ty', 'a', 'om')
        local st = h[1]
        if st ~= 'dead' and st ~= 'cancelled' then return 0 end
        promote()
        ensureGroup()
        local sid = redis.call('XADD', S, '*', 'id', id)
        redis.call('PERSIST', key)
        redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', nowS, 'ma', tonumber(h[5]) + tonumber(h[6]))
        redis.call('HDEL', key, 'f', 'cr', 'du')
        redis.call('ZREM', K .. ':fd', id .. '|' .. h[4])
        redis.call('ZREM', K .. ':fx', id .. '|' .. h[4])
        move(id, st, 'queued', h[2])
        if h[3] then redis.call('HSETNX', IDEM, h[3], id) end
        wake()
        publish()
        return 1
        """;

    /// <summary>Delete. ARGV[8] = id. Returns 1 when deleted, 0 when missing or running.</summary>
    public const string Delete = Prelude + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'sid', 'ik', 'ty')
        local st = h[1]
        if not st or st == 'running' then return 0 end
        redis.call('ZREM', D, id)
        if h[2] then redis.call('XDEL', S, h[2]) end
        redis.call('ZREM', K .. ':fd', id .. '|' .. h[4])
        redis.call('ZREM', K .. ':fx', id .. '|' .. h[4])
        redis.call('ZREM', K .. ':i:all', id)
        redis.call('ZREM', K .. ':i:' .. st, id)
        redis.call('ZREM', K .. ':y:' .. h[4], id)
        idemRelease(id, h[3])
        redis.call('DEL', key)
        return 1
        """;

    /// <summary>
    /// Purge one batch. ARGV[8] = finished-before µs, [9] = dead-before µs, [10] = statistics-before µs, [11] = batch size,
    /// [12] = '1' to drop the queue's keys once it has no task. Returns {ids removed, 1 when the queue was dropped}.
    /// </summary>
    public const string Purge = Prelude + """
        local limit = tonumber(ARGV[11])
        local out = {}
        local function purge(z, before)
          local members = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. before, 'LIMIT', 0, limit - #out)
          for _, m in ipairs(members) do
            local bar = string.find(m, '|', 1, true)
            local id = string.sub(m, 1, bar - 1)
            local ty = string.sub(m, bar + 1)
            local key = tk(id)
            local h = redis.call('HMGET', key, 'st', 'ik')
            redis.call('ZREM', z, m)
            -- A task retried by hand since is no longer finished: keep it. A record already expired by the
            -- safety-net TTL (h[1] missing) still has index entries to drop.
            if not h[1] or h[1] == 'succeeded' or h[1] == 'cancelled' or h[1] == 'dead' then
              redis.call('ZREM', K .. ':i:all', id)
              redis.call('ZREM', K .. ':y:' .. ty, id)
              for _, s in ipairs({'succeeded', 'cancelled', 'dead'}) do redis.call('ZREM', K .. ':i:' .. s, id) end
              idemRelease(id, h[2])
              redis.call('DEL', key)
              out[#out + 1] = id
            end
          end
        end
        purge(K .. ':fd', ARGV[8])
        if #out < limit then purge(K .. ':fx', ARGV[9]) end
        local old = redis.call('ZRANGEBYSCORE', K .. ':sti', '-inf', '(' .. ARGV[10], 'LIMIT', 0, 1000)
        for _, m in ipairs(old) do
          redis.call('DEL', K .. ':st:' .. m)
          redis.call('ZREM', K .. ':sti', m)
        end
        local ok = redis.call('HGET', M, 'ok')
        if ok and tonumber(ok) < tonumber(ARGV[10]) then redis.call('HDEL', M, 'ok') end
        local dropped = 0
        if #out < limit then
          if redis.call('EXISTS', S) == 1 then
            -- Forget consumers (one per worker process that ever claimed here) that hold nothing and were idle an hour.
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', S, G)) do
              local name, pending, idle = nil, 0, 0
              for j = 1, #c, 2 do
                if c[j] == 'name' then name = c[j + 1] elseif c[j] == 'pending' then pending = c[j + 1] elseif c[j] == 'idle' then idle = c[j + 1] end
              end
              if name and pending == 0 and idle > 3600000 then redis.call('XGROUP', 'DELCONSUMER', S, G, name) end
            end
          end
          -- A queue with no task left whose caller says it may go (a vanished worker's private queue): drop its keys.
          if ARGV[12] == '1' and redis.call('ZCARD', K .. ':i:all') == 0 and redis.call('ZCARD', D) == 0 then
            for _, m in ipairs(redis.call('ZRANGE', K .. ':sti', 0, -1)) do redis.call('DEL', K .. ':st:' .. m) end
            redis.call('DEL', S, D, L, M, K .. ':sti', K .. ':fd', K .. ':fx')
            dropped = 1
          end
        end
        return {out, dropped}
        """;

    /// <summary>
    /// Queue summary (read only). Returns: queued, due delayed, later delayed, running, dead, oldest ready-since µs
    /// ('' = none), last success µs ('' = none), all tasks.
    /// </summary>
    public const string Summary = Prelude + """
        local queued = redis.call('ZCARD', K .. ':i:queued')
        local due = redis.call('ZCOUNT', D, '-inf', nowS)
        local later = redis.call('ZCOUNT', D, '(' .. nowS, '+inf')
        local running = redis.call('ZCARD', K .. ':i:running')
        local dead = redis.call('ZCARD', K .. ':i:dead')
        local oldest = nil
        if queued > 0 and redis.call('EXISTS', S) == 1 then
          -- Stream order is ready order: the first entry after the group's last delivered one is the oldest ready.
          local groups = redis.call('XINFO', 'GROUPS', S)
          local last = '0-0'
          for _, g in ipairs(groups) do
            local name, ld = nil, nil
            for j = 1, #g, 2 do
              if g[j] == 'name' then name = g[j + 1] elseif g[j] == 'last-delivered-id' then ld = g[j + 1] end
            end
            if name == G then last = ld end
          end
          local first = redis.call('XRANGE', S, '(' .. last, '+', 'COUNT', 1)
          if first[1] then oldest = tonumber(redis.call('HGET', tk(first[1][2][2]), 'rs')) end
        end
        if due > 0 then
          local d = redis.call('ZRANGE', D, 0, 0, 'WITHSCORES')
          local ds = tonumber(d[2])
          if not oldest or ds < oldest then oldest = ds end
        end
        local all = redis.call('ZCARD', K .. ':i:all')
        return {queued, due, later, running, dead, oldest and str(oldest) or '', redis.call('HGET', M, 'ok') or '', all}
        """;

    /// <summary>
    /// Whether work may be ready (read only): returns 1 when a task is queued, due, or under an expired lease;
    /// otherwise the next due or lease-expiry time in µs, or 0 when there is none.
    /// </summary>
    public const string Ready = Prelude + """
        if redis.call('ZCARD', K .. ':i:queued') > 0 then return 1 end
        local next = nil
        for _, z in ipairs({D, L}) do
          local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
          if first[2] then
            local t = tonumber(first[2])
            if t <= now then return 1 end
            if not next or t < next then next = t end
          end
        end
        if next then return str(next) end
        return 0
        """;

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
    /// Publish an event with a stream id taken from the engine's clock (so purge by time works), never below the last id.
    /// KEYS[1] = feed; ARGV[1] = ms, [2] = max length, then field/value pairs. Returns the id.
    /// </summary>
    public const string PublishEvent = """
        local ms = tonumber(ARGV[1])
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if last[1] then
          local lastMs = tonumber(string.sub(last[1][1], 1, string.find(last[1][1], '-', 1, true) - 1))
          if lastMs > ms then ms = lastMs end
        end
        local args = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], string.format('%d', ms) .. '-*'}
        for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
        return redis.call(unpack(args))
        """;
}
