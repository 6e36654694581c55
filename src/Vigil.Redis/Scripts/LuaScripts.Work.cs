namespace Vigil.Redis.Scripts;

/// <content>The scripts of the hot path: enqueue, claim, renew.</content>
internal static partial class LuaScripts
{
    /// <summary>
    /// Enqueue, for tasks of the queues of one slot in one atomic step. ARGV[8] = order milliseconds, ARGV[9] = lease of
    /// a task handed to a waiting worker (µs; 0 = no hand-off, see <see cref="HandOff"/>), then 11 per task: queue, id,
    /// type, payload, max attempts, timeout ticks, due µs, idempotency key, traceparent, tracestate ('' = none), order
    /// hint. Returns per task 1 when stored, 0 when a task with this id was stored already (an earlier try of the same
    /// call). Idempotency keys were reserved by the engine before; the script only records the key.
    /// </summary>
    /// <remarks>
    /// Creation order (the list indexes' score) is milliseconds × 1000 + a counter. The counter is the larger of the
    /// queue's own counter for that millisecond (kept in its meta hash, so producers on several machines stay ordered
    /// within a queue) and the engine's order hint (the process's own counter, so one batch across queues — and so
    /// across slots and scripts — keeps its order).
    /// </remarks>
    public const string Enqueue = Header + ZOps + Stats + Promote + Lease + Registration + HandOff + """
        local orderMs = tonumber(ARGV[8])
        local handLease = tonumber(ARGV[9])
        local counters = {}
        local out = {}
        local i = 10
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
        if handLease > 0 then
          -- Ready tasks go straight to idle workers that wait on their queue; only what is left needs a wake-up.
          for q, c in pairs(woke) do
            if c > 0 then
              useQueue(q)
              woke[q] = c - handOff(c, handLease)
            end
          end
        end
        flushZ()
        flushStats()
        publish()
        return out
        """;

    /// <summary>
    /// Claim from the queues ARGV[13..] (of one slot), in that priority order: a later queue only fills what the earlier
    /// ones left. ARGV[8] = worker, ARGV[9] = lease expiry µs, ARGV[10] = max count, ARGV[11] = when a registration as
    /// waiting ends (µs; 0 = no hand-off in this process; -1 = none now, end any), ARGV[12] = the hand-off channel of the
    /// worker's process. Returns 12 per
    /// task: position of its queue in ARGV[13..] (1-based), id, type, payload, attempt, max attempts, timeout ticks,
    /// created µs, ready-since µs, traceparent, tracestate, taken over (0/1). Every claimed task's lease ends at ARGV[9].
    /// When fewer than ARGV[10] were claimed, one value more at the end: when the first delayed task or lease of these
    /// queues falls due (µs), or 0; and the worker is registered as waiting on these queues until ARGV[11], so the next
    /// tasks enqueued to them, as many as it asked for and did not get, are handed to it (see <see cref="HandOff"/>).
    /// </summary>
    /// <remarks>
    /// All of a worker's queues in one call (on one server they share the slot): one round trip per claim, where a
    /// worker asking for its private queue first, then its shared queues, would otherwise pay one per queue.
    /// </remarks>
    public const string Claim = Header + ZOps + Stats + Promote + NextDue + Lease + Registration + """
        local worker, le, max = ARGV[8], ARGV[9], tonumber(ARGV[10])
        local firstQueue = 13
        local out = {}
        local n = 0
        local position = 0
        local function claim(id, key, h, rs, takeover)
          local a = lease(id, key, h, rs, worker, le)
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
        for qi = firstQueue, #ARGV do
          if n >= max then break end
          position = qi - firstQueue + 1
          useQueue(ARGV[qi])
          promote()
          -- Take over tasks whose worker vanished: their lease is over by the engine's clock (not Redis's idle time).
          local exp = redis.call('ZRANGEBYSCORE', L, '-inf', nowS, 'LIMIT', 0, max - n)
          for _, id in ipairs(exp) do
            local key = tk(id)
            local h = redis.call('HMGET', key, unpack(LF))
            if h[1] ~= 'running' then
              zrem(L, id)
            else
              local k = h[3]
              -- Move the pending entry to the new owner, so XPENDING shows who runs it.
              if h[11] then redis.call('XCLAIM', S, G, worker, 0, h[11], 'JUSTID') end
              if h[14] == k then
                -- Handed to a worker that never renewed it (see HandOff): most likely it never ran (the worker died, or
                -- the message was lost), so like a release the attempt does not count against the budget. Still a
                -- takeover for the new owner: a worker that took it and could not reach Redis may be running it.
                local ma = tostring(tonumber(h[6]) + 1)
                redis.call('HSET', key, k .. ':e', nowS, k .. ':o', 'handoff-expired', 'ma', ma)
                h[6] = ma
                claim(id, key, h, h[13], 1)
              else
                redis.call('HSET', key, k .. ':e', nowS, k .. ':o', 'lease-expired')
                claim(id, key, h, h[13], 1)
              end
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
                local h = redis.call('HMGET', key, unpack(LF))
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
        local registerUntil = tonumber(ARGV[11])
        if registerUntil ~= 0 then
          -- The worker's registration as waiting on these queues (see HandOff), in place of its earlier one: with room for
          -- the tasks it asked for and did not get when the queues ran dry; none when it got all it asked for, or when its
          -- process cannot take hand-offs now (ARGV[11] < 0).
          local qs = {unpack(ARGV, firstQueue)}
          if registerUntil > 0 and n < max then
            register(worker, ARGV[11], ARGV[12], max - n, qs)
          else
            unregister(worker, qs)
          end
        end
        if n >= max then return out end
        -- Say when the next delayed task or lease falls due (0: none), so the engine's wait for work needs no look of its
        -- own right after this claim.
        local next = nil
        for qi = firstQueue, #ARGV do
          useQueue(ARGV[qi])
          local t = nextDue()
          if t and (not next or t < next) then next = t end
        end
        out[#out + 1] = next and str(next) or '0'
        return out
        """;

    /// <summary>Renew. ARGV[8] = worker, ARGV[9] = lease expiry µs, then task ids. Returns per task: held (0/1), cancel requested (0/1).</summary>
    public const string Renew = Header + ZOps + """
        local worker, le = ARGV[8], ARGV[9]
        local out = {}
        for i = 10, #ARGV do
          local id = ARGV[i]
          local key = tk(id)
          local h = redis.call('HMGET', key, 'st', 'lo', 'cr', 'sid', 'hn')
          if h[1] == 'running' and h[2] == worker then
            redis.call('HSET', key, 'le', le)
            -- The first renewal of a handed run: the worker took it (see HandOff).
            if h[5] then redis.call('HDEL', key, 'hn') end
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

    /// <summary>
    /// Ends a worker's registration as waiting (see <see cref="HandOff"/>) in the queues ARGV[9..] (of one slot):
    /// ARGV[8] = worker. Returns 1.
    /// </summary>
    public const string Unregister = Header + Registration + """
        unregister(ARGV[8], {unpack(ARGV, 9)})
        return 1
        """;
}
