namespace Vigil.Redis.Scripts;

/// <content>The scripts that end or undo a task's life: complete, cancel, retry, delete, purge.</content>
internal static partial class LuaScripts
{
    /// <summary>
    /// Complete a batch of attempts of one queue (each checked and applied on its own, all in one atomic step). ARGV[8]
    /// on: 11 per completion: id, worker, attempt, outcome (s, r, d, c, x), result, error type, message, stack,
    /// retry-at µs, timed out (0/1), run time ticks. Returns per completion 1, or 0 when the lease was not held
    /// (nothing of that one changed).
    /// </summary>
    /// <remarks>
    /// Per task: one <c>HMGET</c> (the fence), one <c>HSET</c>, and the finished record's safety-net <c>EXPIRE</c>. The
    /// stream entries are acknowledged and deleted with one <c>XACK</c> and one <c>XDEL</c> for the batch, the lease,
    /// finished and state indexes change with one command per set, statistics once per bucket. The lease owner, expiry
    /// and stream entry id stay in a finished task's hash: they are read only while its state is running (or queued).
    /// </remarks>
    public const string Complete = Header + ZOps + Stats + Promote + """
        local out = {}
        local acks = {}
        local promoted = false
        local F = {'st', 'lo', 'a', 'n', 'sid', 'ty', 'o', 'ma'}
        local function runStat(ty, runTicks)
          stat(ty, 'rc', 1)
          stat(ty, 'rt', runTicks)
          statMaxOf(ty, 'rm', runTicks)
        end
        local function failStat(ty, timedOut)
          stat(ty, 'f', 1)
          if timedOut then stat(ty, 't', 1) end
        end
        for i = 8, #ARGV, 11 do
          local id, worker, attempt, code = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3]
          local key = tk(id)
          local h = redis.call('HMGET', key, unpack(F))
          -- Fencing: only the holder of this attempt's lease may end it.
          if h[1] ~= 'running' or h[2] ~= worker or h[3] ~= attempt then
            out[#out + 1] = 0
          else
            local k, ty, o = h[4], h[6], h[7]
            local result, eT, eM, eS, at, timedOut, run = ARGV[i+4], ARGV[i+5], ARGV[i+6], ARGV[i+7], ARGV[i+8], ARGV[i+9] == '1', ARGV[i+10]
            -- The stream entry is acknowledged and removed below, in this same atomic step that stores the outcome.
            if h[5] then acks[#acks + 1] = h[5] end
            zrem(L, id)
            local runTicks = tonumber(run)
            if code == 's' then
              if result ~= '' then
                redis.call('HSET', key, 'st', 'succeeded', 'f', nowS, k .. ':e', nowS, k .. ':o', 'succeeded', 'r', result)
              else
                redis.call('HSET', key, 'st', 'succeeded', 'f', nowS, k .. ':e', nowS, k .. ':o', 'succeeded')
              end
              zset(K .. ':fd', id .. '|' .. ty, nowS)
              zset(idx('succeeded'), id, o)
              stat(ty, 's', 1)
              statSucceeded()
              runStat(ty, runTicks)
              finish(key)
            elseif code == 'r' then
              redis.call('HSET', key, 'st', 'retrying', 'du', at, k .. ':e', nowS, k .. ':o', timedOut and 'timed-out' or 'failed',
                'eT', eT, 'eM', eM, 'eS', eS, k .. ':eT', eT, k .. ':eM', eM, k .. ':eS', eS)
              zset(D, id, at)
              zset(idx('retrying'), id, o)
              failStat(ty, timedOut)
              stat(ty, 'r', 1)
              runStat(ty, runTicks)
              if tonumber(at) <= now then wake() end
            elseif code == 'd' then
              redis.call('HSET', key, 'st', 'dead', 'f', nowS, k .. ':e', nowS, k .. ':o', 'dead',
                'eT', eT, 'eM', eM, 'eS', eS, k .. ':eT', eT, k .. ':eM', eM, k .. ':eS', eS)
              zset(K .. ':fx', id .. '|' .. ty, nowS)
              zset(idx('dead'), id, o)
              failStat(ty, timedOut)
              stat(ty, 'd', 1)
              runStat(ty, runTicks)
              finish(key)
            elseif code == 'c' then
              redis.call('HSET', key, 'st', 'cancelled', 'f', nowS, k .. ':e', nowS, k .. ':o', 'cancelled')
              zset(K .. ':fd', id .. '|' .. ty, nowS)
              zset(idx('cancelled'), id, o)
              runStat(ty, runTicks)
              finish(key)
            else
              -- Released unrun at shutdown: queued again, and this attempt does not count against the budget.
              if not promoted then
                promote()
                ensureGroup()
                promoted = true
              end
              local sid = redis.call('XADD', S, '*', 'id', id)
              redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', nowS, 'ma', tonumber(h[8]) + 1,
                k .. ':e', nowS, k .. ':o', 'released')
              zset(idx('queued'), id, o)
              wake()
            end
            out[#out + 1] = 1
          end
        end
        if #acks > 0 then
          redis.call('XACK', S, G, unpack(acks))
          redis.call('XDEL', S, unpack(acks))
        end
        flushZ()
        flushStats()
        publish()
        return out
        """;

    /// <summary>Cancel. ARGV[8] = id. Returns 1 when cancelled or its cancellation requested, 0 otherwise.</summary>
    public const string Cancel = Header + ZOps + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'sid', 'o', 'ty', 'n', 'hn')
        local st = h[1]
        if st == 'running' and h[6] and h[6] == h[5] then
          -- Handed to a waiting worker that has not renewed it (see HandOff): it has not run, so it is cancelled at once,
          -- as a queued task would be, rather than started elsewhere when its hand-off lease ends.
          if h[2] then
            redis.call('XACK', S, G, h[2])
            redis.call('XDEL', S, h[2])
          end
          redis.call('ZREM', L, id)
          redis.call('HSET', key, h[5] .. ':e', nowS, h[5] .. ':o', 'cancelled')
        elseif st == 'running' then
          redis.call('HSET', key, 'cr', '1')
          return 1
        elseif st == 'scheduled' or st == 'retrying' then
          redis.call('ZREM', D, id)
        elseif st == 'queued' then
          if h[2] then redis.call('XDEL', S, h[2]) end
        else
          return 0
        end
        redis.call('HSET', key, 'st', 'cancelled', 'f', nowS)
        zset(K .. ':fd', id .. '|' .. h[4], nowS)
        zrem(idx(st), id)
        zset(idx('cancelled'), id, h[3])
        flushZ()
        finish(key)
        return 1
        """;

    /// <summary>
    /// Retry by hand. ARGV[8] = id. Returns {1, idempotency key or ''} when queued again with a fresh budget of attempts
    /// (the engine then takes the key back for it if it is free), {0, ''} otherwise.
    /// </summary>
    public const string Retry = Header + ZOps + Promote + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'o', 'ik', 'ty', 'a', 'om')
        local st = h[1]
        if st ~= 'dead' and st ~= 'cancelled' then return {0, ''} end
        promote()
        ensureGroup()
        local sid = redis.call('XADD', S, '*', 'id', id)
        redis.call('PERSIST', key)
        redis.call('HSET', key, 'st', 'queued', 'sid', sid, 'rs', nowS, 'ma', tonumber(h[5]) + tonumber(h[6]))
        redis.call('HDEL', key, 'f', 'cr', 'du')
        zrem(K .. ':fd', id .. '|' .. h[4])
        zrem(K .. ':fx', id .. '|' .. h[4])
        zrem(idx(st), id)
        zset(idx('queued'), id, h[2])
        flushZ()
        wake()
        publish()
        return {1, h[3] or ''}
        """;

    /// <summary>Delete. ARGV[8] = id. Returns {1, idempotency key or ''} when deleted, {0, ''} when missing or running.</summary>
    public const string Delete = Header + """
        local id = ARGV[8]
        local key = tk(id)
        local h = redis.call('HMGET', key, 'st', 'sid', 'ik', 'ty')
        local st = h[1]
        if not st or st == 'running' then return {0, ''} end
        redis.call('ZREM', D, id)
        if st == 'queued' and h[2] then redis.call('XDEL', S, h[2]) end
        redis.call('ZREM', K .. ':fd', id .. '|' .. h[4])
        redis.call('ZREM', K .. ':fx', id .. '|' .. h[4])
        redis.call('ZREM', K .. ':i:all', id)
        redis.call('ZREM', K .. ':i:' .. st, id)
        redis.call('ZREM', K .. ':y:' .. h[4], id)
        redis.call('DEL', key)
        return {1, h[3] or ''}
        """;

    /// <summary>
    /// Purge one batch. ARGV[8] = finished-before µs, [9] = dead-before µs, [10] = statistics-before µs, [11] = batch size,
    /// [12] = '1' to drop the queue's keys once it has no task. Returns {ids removed, 1 when the queue was dropped,
    /// idempotency keys of the removed tasks as id, key pairs}.
    /// </summary>
    public const string Purge = Header + ZOps + """
        local limit = tonumber(ARGV[11])
        local out = {}
        local keys = {}
        local function purge(z, before)
          local members = redis.call('ZRANGEBYSCORE', z, '-inf', '(' .. before, 'LIMIT', 0, limit - #out)
          for _, m in ipairs(members) do
            local bar = string.find(m, '|', 1, true)
            local id = string.sub(m, 1, bar - 1)
            local ty = string.sub(m, bar + 1)
            local key = tk(id)
            local h = redis.call('HMGET', key, 'st', 'ik')
            zrem(z, m)
            -- A task retried by hand since is no longer finished: keep it. A record already expired by the
            -- safety-net TTL (h[1] missing) still has index entries to drop.
            if not h[1] or h[1] == 'succeeded' or h[1] == 'cancelled' or h[1] == 'dead' then
              zrem(K .. ':i:all', id)
              zrem(K .. ':y:' .. ty, id)
              for _, s in ipairs({'succeeded', 'cancelled', 'dead'}) do zrem(idx(s), id) end
              if h[2] then
                keys[#keys + 1] = id
                keys[#keys + 1] = h[2]
              end
              redis.call('DEL', key)
              out[#out + 1] = id
            end
          end
          flushZ()
        end
        purge(K .. ':fd', ARGV[8])
        if #out < limit then purge(K .. ':fx', ARGV[9]) end
        local old = redis.call('ZRANGEBYSCORE', K .. ':sti', '-inf', '(' .. ARGV[10], 'LIMIT', 0, 1000)
        for _, m in ipairs(old) do
          redis.call('DEL', K .. ':st:' .. m)
          redis.call('ZREM', K .. ':sti', m)
        end
        local okb = redis.call('HGET', M, 'okb')
        if okb and tonumber(okb) < tonumber(ARGV[10]) then redis.call('HDEL', M, 'okb') end
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
            redis.call('DEL', S, D, L, M, K .. ':sti', K .. ':fd', K .. ':fx', K .. ':w', K .. ':wd')
            dropped = 1
          end
        end
        return {out, dropped, keys}
        """;
}
