using System.Globalization;
using StackExchange.Redis;
using Vigil.Redis.Scripts;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Redis.Engine;

internal sealed partial class RedisVigilStorage
{
    private const int PurgeBatch = 500;

    public async ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var queue = await ResolveQueueAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (queue is null)
        {
            return null;
        }

        var entries = await RunAsync("get task", db => db.HashGetAllAsync(_keys.Task(queue, taskId)), cancellationToken).ConfigureAwait(false);
        return entries.Length == 0 ? null : TaskRecordReader.Read(entries, withTimeline: true);
    }

    public async ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 1000, nameof(query));
        var offset = query.Offset;
        var limit = query.Limit;
        var queues = query.Queue is { } only ? [only] : await GetQueueNamesAsync(cancellationToken).ConfigureAwait(false);

        return await RunAsync("list tasks", async db =>
        {
            // Each queue's candidates, newest first (index scores are creation order), merged across queues.
            var perQueue = queues.Select(queue => ListQueueAsync(db, queue, query, offset + limit)).ToArray();
            await Task.WhenAll(perQueue).ConfigureAwait(false);
            long total = 0;
            var candidates = new List<(string Queue, string Id, double Score)>();
            foreach (var result in perQueue)
            {
                total += result.Result.Total;
                candidates.AddRange(result.Result.Top);
            }

            var page = candidates.OrderByDescending(c => c.Score).Skip(offset).Take(limit).ToArray();
            var reads = page.Select(c => db.HashGetAllAsync(_keys.Task(c.Queue, c.Id))).ToArray();
            await Task.WhenAll(reads).ConfigureAwait(false);
            var tasks = new List<TaskRecord>(page.Length);
            foreach (var read in reads)
            {
                if (read.Result.Length > 0)
                {
                    tasks.Add(TaskRecordReader.Read(read.Result, withTimeline: false));
                }
            }

            return new TaskPage(tasks, total);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Total, List<(string Queue, string Id, double Score)> Top)> ListQueueAsync(
        IDatabase db, string queue, TaskQuery query, int count)
    {
        var keys = _keys.Queue(queue);
        var top = new List<(string, string, double)>();
        if (query.State == TaskState.Running || (query.State is not null && query.Type is not null))
        {
            // Running tasks have no index of their own: the lease set lists them (scored by lease expiry), so creation
            // order comes from intersecting it with the all or type index, weighting the lease score 0. Both filters:
            // intersect the state and type indexes. O(n) in the smaller set; an admin query, and running is small.
            RedisKey[] sets = query.State == TaskState.Running
                ? [keys.Leases, query.Type is { } runningType ? keys.TypeIndex(runningType) : keys.All]
                : [keys.StateIndex(query.State!.Value.ToWireName()), keys.TypeIndex(query.Type!)];
            var both = await db.SortedSetCombineWithScoresAsync(SetOperation.Intersect, sets, [0, 1], Aggregate.Sum).ConfigureAwait(false);
            foreach (var entry in both.OrderByDescending(e => e.Score).Take(count))
            {
                top.Add((queue, entry.Element.ToString(), entry.Score));
            }

            return (both.Length, top);
        }

        RedisKey index = query.State is { } s ? keys.StateIndex(s.ToWireName())
            : query.Type is { } t ? keys.TypeIndex(t)
            : keys.All;
        var totalTask = db.SortedSetLengthAsync(index);
        var rangeTask = db.SortedSetRangeByRankWithScoresAsync(index, 0, count - 1, Order.Descending);
        await Task.WhenAll(totalTask, rangeTask).ConfigureAwait(false);
        foreach (var entry in rangeTask.Result)
        {
            top.Add((queue, entry.Element.ToString(), entry.Score));
        }

        return (totalTask.Result, top);
    }

    public async ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken)
    {
        var (queue, answer) = await RunTaskScriptAsync("cancel", RedisScripts.Cancel, taskId, cancellationToken).ConfigureAwait(false);
        return queue is not null && (int)answer! == 1;
    }

    public async ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken)
    {
        var (queue, answer) = await RunTaskScriptAsync("retry", RedisScripts.Retry, taskId, cancellationToken).ConfigureAwait(false);
        if (queue is null || (int)answer![0] != 1)
        {
            return false;
        }

        // Queued again: it takes its idempotency key back if no other live task took it meanwhile.
        var key = answer[1].ToString();
        if (key.Length > 0)
        {
            await RetakeKeyAsync(key, queue, taskId, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken)
    {
        var (queue, answer) = await RunTaskScriptAsync("delete", RedisScripts.Delete, taskId, cancellationToken).ConfigureAwait(false);
        if (queue is null || (int)answer![0] != 1)
        {
            return false;
        }

        // The task is gone first, then what points at it: a crash in between leaves an id entry or a key record that
        // points at nothing, which reads as "no such task" and "key free".
        await RunAsync("delete", db => db.HashDeleteAsync(_keys.Ids, taskId), cancellationToken).ConfigureAwait(false);
        var key = answer[1].ToString();
        if (key.Length > 0)
        {
            await ReleaseKeysAsync(queue, [(taskId, key)], cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<(string? Queue, RedisResult? Answer)> RunTaskScriptAsync(
        string operation, Scripts.RedisScript script, string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var queue = await ResolveQueueAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (queue is null)
        {
            return (null, null);
        }

        var args = QueueArgs(queue, _timeProvider.GetUtcNow(), 1);
        args[FirstArg] = taskId;
        var answer = await RunScriptAsync(operation, script, _keys.Queue(queue).MetaKeys, args, cancellationToken).ConfigureAwait(false);
        return (queue, answer);
    }

    public async ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var names = new SortedSet<string>(await GetQueueNamesAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        var workers = await GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        var withWorker = new HashSet<string>(StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            foreach (var queue in worker.Queues)
            {
                withWorker.Add(queue);
                names.Add(queue);
            }
        }

        return await RunAsync("get queues", async db =>
        {
            var calls = names.Select(queue => (Queue: queue, Call: RedisScripts.Summary.EvaluateAsync(db, _keys.Queue(queue).MetaKeys, QueueArgs(queue, now, 0)))).ToArray();
            await Task.WhenAll(calls.Select(c => c.Call)).ConfigureAwait(false);
            var summaries = new List<QueueSummary>(calls.Length);
            foreach (var (queue, call) in calls)
            {
                var f = (RedisResult[])call.Result!;
                var all = (long)f[7];
                if (all == 0 && !withWorker.Contains(queue))
                {
                    continue; // every task purged and no worker: not a queue to show
                }

                summaries.Add(new QueueSummary
                {
                    Name = queue,
                    Ready = (long)f[0] + (long)f[1],
                    Delayed = (long)f[2],
                    Running = (long)f[3],
                    Dead = (long)f[4],
                    OldestReadySince = FromMicros((RedisValue)f[5]),
                    LastSucceededAt = FromMicros((RedisValue)f[6]),
                });
            }

            return (IReadOnlyList<QueueSummary>)summaries;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var queues = query.Queue is { } only ? [only] : await GetQueueNamesAsync(cancellationToken).ConfigureAwait(false);
        var from = ToMicros(query.From);
        var to = ToMicros(query.To);
        return await RunAsync("get statistics", async db =>
        {
            var minuteCalls = queues.Select(q => (Queue: q, Call: db.SortedSetRangeByScoreAsync(_keys.QueueTag(q) + ":sti", from, to, Exclude.Stop))).ToArray();
            await Task.WhenAll(minuteCalls.Select(c => c.Call)).ConfigureAwait(false);
            var reads = new List<(string Queue, long Minute, Task<HashEntry[]> Call)>();
            foreach (var (queue, call) in minuteCalls)
            {
                foreach (var minute in call.Result)
                {
                    var micros = long.Parse(minute.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                    reads.Add((queue, micros, db.HashGetAllAsync(_keys.QueueTag(queue) + ":st:" + minute.ToString())));
                }
            }

            await Task.WhenAll(reads.Select(r => r.Call)).ConfigureAwait(false);
            var buckets = new List<StatisticsBucket>();
            foreach (var (queue, minute, call) in reads)
            {
                buckets.AddRange(StatisticsReader.Read(queue, FromMicros(minute), call.Result, query.Type));
            }

            return (IReadOnlyList<StatisticsBucket>)buckets
                .OrderBy(b => b.Minute).ThenBy(b => b.Queue, StringComparer.Ordinal).ThenBy(b => b.Type, StringComparer.Ordinal).ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long> PurgeAsync(
        DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var queues = await GetQueueNamesAsync(cancellationToken).ConfigureAwait(false);
        var liveWorkers = (await GetWorkersAsync(cancellationToken).ConfigureAwait(false)).Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);
        long removed = 0;
        foreach (var queue in queues)
        {
            // The private queue of a worker that is gone may be dropped once it is empty; shared queues stay.
            var droppable = TaskNames.IsPrivateQueue(queue) && !liveWorkers.Contains(queue[TaskNames.PrivateQueuePrefix.Length..]);

            // Bounded batches keep each script short, so other clients are never blocked for long.
            for (var round = 0; round < 100_000; round++)
            {
                var args = QueueArgs(queue, now, 5);
                args[FirstArg] = ToMicros(finishedBefore);
                args[FirstArg + 1] = ToMicros(deadBefore);
                args[FirstArg + 2] = ToMicros(statisticsBefore);
                args[FirstArg + 3] = PurgeBatch;
                args[FirstArg + 4] = droppable ? "1" : "0";
                var answer = (RedisResult[])(await RunAsync("purge", db => RedisScripts.Purge.EvaluateAsync(db, _keys.Queue(queue).MetaKeys, args), cancellationToken).ConfigureAwait(false))!;
                var ids = (RedisValue[])answer[0]!;
                if (ids.Length > 0)
                {
                    // The tasks are gone first, then what points at them (see DeleteAsync).
                    await RunAsync("purge", db => db.HashDeleteAsync(_keys.Ids, ids), cancellationToken).ConfigureAwait(false);
                    removed += ids.Length;
                }

                var held = (RedisValue[])answer[2]!;
                if (held.Length > 0)
                {
                    var keys = new List<(string Id, string Key)>(held.Length / 2);
                    for (var i = 0; i + 1 < held.Length; i += 2)
                    {
                        keys.Add((held[i].ToString(), held[i + 1].ToString()));
                    }

                    await ReleaseKeysAsync(queue, keys, cancellationToken).ConfigureAwait(false);
                }

                if ((int)answer[1] == 1)
                {
                    await RunAsync("purge", db => db.SetRemoveAsync(_keys.Queues, queue), cancellationToken).ConfigureAwait(false);
                }

                if (ids.Length < PurgeBatch)
                {
                    break;
                }
            }
        }

        var statisticsMs = statisticsBefore.ToUnixTimeMilliseconds();
        await RunAsync("purge", async db =>
        {
            await db.ExecuteAsync("XTRIM", _keys.Events, "MINID", Str(Math.Max(0, statisticsMs)) + "-0").ConfigureAwait(false);
            var stale = await db.SortedSetRangeByScoreAsync(_keys.Workers, double.NegativeInfinity, ToMicros(statisticsBefore), Exclude.Stop).ConfigureAwait(false);
            if (stale.Length > 0)
            {
                await db.KeyDeleteAsync(stale.Select(w => _keys.Worker(w.ToString())).ToArray()).ConfigureAwait(false);
                await db.SortedSetRemoveAsync(_keys.Workers, stale).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    private async ValueTask<string[]> GetQueueNamesAsync(CancellationToken cancellationToken)
    {
        var members = await RunAsync("list queues", db => db.SetMembersAsync(_keys.Queues), cancellationToken).ConfigureAwait(false);
        var names = new string[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            names[i] = members[i].ToString();
        }

        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
