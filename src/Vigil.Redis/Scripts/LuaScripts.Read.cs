namespace Vigil.Redis.Scripts;

/// <content>The read-only queue scripts: the summary and the "may work be ready?" look of the wait.</content>
internal static partial class LuaScripts
{
    /// <summary>
    /// Queue summary (read only). Returns: queued, due delayed, later delayed, running, dead, oldest ready-since µs
    /// ('' = none), last success µs ('' = none), all tasks.
    /// </summary>
    public const string Summary = Header + """
        local queued = redis.call('ZCARD', K .. ':i:queued')
        local due = redis.call('ZCOUNT', D, '-inf', nowS)
        local later = redis.call('ZCOUNT', D, '(' .. nowS, '+inf')
        -- The lease set lists exactly the running tasks (a claim adds, the completion removes, in the same script).
        local running = redis.call('ZCARD', L)
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
        -- The last success: the newest statistics bucket with one, as the meta hash points (see Stats).
        local ok = ''
        local okb = redis.call('HGET', M, 'okb')
        if okb then ok = redis.call('HGET', K .. ':st:' .. okb, '_ok') or '' end
        return {queued, due, later, running, dead, oldest and str(oldest) or '', ok, all}
        """;

    /// <summary>
    /// Whether work may be ready (read only): returns 1 when a task is queued, due, or under an expired lease;
    /// otherwise the next due or lease-expiry time in µs, or 0 when there is none.
    /// </summary>
    public const string Ready = Header + NextDue + """
        if redis.call('ZCARD', K .. ':i:queued') > 0 then return 1 end
        local next = nextDue()
        if not next then return 0 end
        if next <= now then return 1 end
        return str(next)
        """;
}
