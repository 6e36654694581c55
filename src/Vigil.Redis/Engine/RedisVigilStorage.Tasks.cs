using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

internal sealed partial class RedisVigilStorage
{
    private const int EnqueueFieldsPerTask = 10;
    private const int ClaimFieldsPerTask = 13;
    private const int MaxRememberedClaims = 100_000;

    // The queue of each task this process claimed, so renewals and completions need no lookup round trip.
    private readonly ConcurrentDictionary<string, string> _claimedQueues = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return [];
        }

        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                return await EnqueueOnceAsync(tasks, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageUnavailableException) when (_options.EnqueueWaitWhenUnavailable > TimeSpan.Zero
                && _timeProvider.GetElapsedTime(started) < _options.EnqueueWaitWhenUnavailable)
            {
                // Trying again is safe: the enqueue script stores each task id at most once.
                await Task.Delay(TimeSpan.FromMilliseconds(200), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<EnqueueResult>> EnqueueOnceAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();

        // One script stores the whole batch, whatever its queues, so the batch is atomic and keeps its order.
        var args = QueueArgs(tasks[0].Queue, now, 1 + (tasks.Count * EnqueueFieldsPerTask));
        args[FirstArg] = now.ToUnixTimeMilliseconds();
        var index = new HashEntry[tasks.Count];
        var queues = new HashSet<string>(StringComparer.Ordinal);
        var a = FirstArg + 1;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            index[i] = new HashEntry(task.Id, task.Queue);
            queues.Add(task.Queue);
            args[a++] = task.Queue;
            args[a++] = task.Id;
            args[a++] = task.Type;
            args[a++] = task.Payload;
            args[a++] = task.MaxAttempts;
            args[a++] = task.Timeout is { } timeout ? Str(timeout.Ticks) : string.Empty;
            args[a++] = task.DueAt is { } due ? Str(ToMicros(due)) : string.Empty;
            args[a++] = task.IdempotencyKey ?? string.Empty;
            args[a++] = task.TraceParent ?? string.Empty;
            args[a++] = task.TraceState ?? string.Empty;
        }

        var queueNames = queues.Select(q => (RedisValue)q).ToArray();
        return await RunAsync("enqueue", async db =>
        {
            // The id index goes first, in the same pipeline: if the script then fails, a dangling index entry only
            // reads as "no such task". The task is acknowledged only after the script stored it.
            var indexed = db.HashSetAsync(_keys.Ids, index);
            var registered = db.SetAddAsync(_keys.Queues, queueNames);
            var stored = EnqueueScript.EvaluateAsync(db, [_keys.QueueMeta(tasks[0].Queue)], args);
            await Task.WhenAll(indexed, registered, stored).ConfigureAwait(false);
            var answer = (RedisResult[])stored.Result!;
            var results = new EnqueueResult[tasks.Count];
            List<RedisValue>? orphans = null;
            for (var i = 0; i < tasks.Count; i++)
            {
                var id = (string)answer[i * 2]!;
                var deduplicated = (int)answer[(i * 2) + 1] == 1;
                results[i] = new EnqueueResult(id, deduplicated);
                if (deduplicated)
                {
                    (orphans ??= []).Add(tasks[i].Id);
                }
            }

            if (orphans is not null)
            {
                await db.HashDeleteAsync(_keys.Ids, [.. orphans]).ConfigureAwait(false);
            }

            return (IReadOnlyList<EnqueueResult>)results;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxCount <= 0 || request.Queues.Count == 0)
        {
            return [];
        }

        if (_claimedQueues.Count > MaxRememberedClaims)
        {
            // Only a cache (the id index answers too): bound it against tasks whose completion never came here.
            _claimedQueues.Clear();
        }

        var now = _timeProvider.GetUtcNow();
        var leaseExpires = now + request.LeaseDuration;
        var leaseMicros = Str(ToMicros(leaseExpires));
        List<ClaimedTask>? claimed = null;

        // Queues in priority order: a later queue only fills the slots the earlier ones left.
        foreach (var queue in request.Queues)
        {
            var remaining = request.MaxCount - (claimed?.Count ?? 0);
            if (remaining <= 0)
            {
                break;
            }

            var args = QueueArgs(queue, now, 3);
            args[FirstArg] = request.WorkerId;
            args[FirstArg + 1] = leaseMicros;
            args[FirstArg + 2] = remaining;
            var answer = await RunAsync("claim", db => ClaimScript.EvaluateAsync(db, [_keys.QueueMeta(queue)], args), cancellationToken).ConfigureAwait(false);
            var fields = (RedisResult[])answer!;
            for (var i = 0; i + ClaimFieldsPerTask <= fields.Length; i += ClaimFieldsPerTask)
            {
                var task = ParseClaimed(queue, fields, i, now);
                _claimedQueues[task.Id] = queue;
                (claimed ??= new List<ClaimedTask>(request.MaxCount)).Add(task);
            }
        }

        return claimed is null ? [] : claimed;
    }

    private static ClaimedTask ParseClaimed(string queue, RedisResult[] f, int i, DateTimeOffset now)
    {
        var readySince = FromMicros((long)f[i + 7]);
        var wait = now - readySince;
        var timeout = f[i + 5].ToString();
        var traceParent = f[i + 8].ToString();
        var traceState = f[i + 9].ToString();
        return new ClaimedTask
        {
            Id = f[i].ToString(),
            Type = f[i + 1].ToString(),
            Queue = queue,
            Payload = f[i + 2].ToString(),
            Attempt = (int)f[i + 3],
            MaxAttempts = (int)f[i + 4],
            Timeout = timeout.Length == 0 ? null : TimeSpan.FromTicks(long.Parse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture)),
            CreatedAt = FromMicros((long)f[i + 6]),
            WaitTime = wait < TimeSpan.Zero ? TimeSpan.Zero : wait,
            TakenOver = (int)f[i + 10] == 1,
            LeaseExpiresAt = FromMicros((long)f[i + 12]),
            TraceParent = traceParent.Length == 0 ? null : traceParent,
            TraceState = traceState.Length == 0 ? null : traceState,
        };
    }

    public async ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(
        string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        var leaseMicros = Str(ToMicros(now + leaseDuration));
        var queues = await ResolveQueuesAsync(taskIds, cancellationToken).ConfigureAwait(false);
        var answers = new LeaseRenewal[taskIds.Count];
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < taskIds.Count; i++)
        {
            if (queues[i] is not { } queue)
            {
                answers[i] = new LeaseRenewal(taskIds[i], Held: false, CancelRequested: false);
                continue;
            }

            if (!groups.TryGetValue(queue, out var list))
            {
                groups[queue] = list = [];
            }

            list.Add(i);
        }

        foreach (var (queue, positions) in groups)
        {
            var args = QueueArgs(queue, now, 2 + positions.Count);
            args[FirstArg] = workerId;
            args[FirstArg + 1] = leaseMicros;
            for (var i = 0; i < positions.Count; i++)
            {
                args[FirstArg + 2 + i] = taskIds[positions[i]];
            }

            var answer = (RedisResult[])(await RunAsync("renew leases", db => RenewScript.EvaluateAsync(db, [_keys.QueueMeta(queue)], args), cancellationToken).ConfigureAwait(false))!;
            for (var i = 0; i < positions.Count; i++)
            {
                answers[positions[i]] = new LeaseRenewal(taskIds[positions[i]], (int)answer[i * 2] == 1, (int)answer[(i * 2) + 1] == 1);
            }
        }

        return answers;
    }

    public async ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        cancellationToken.ThrowIfCancellationRequested();
        var queue = await ResolveQueueAsync(completion.TaskId, cancellationToken).ConfigureAwait(false);
        if (queue is null)
        {
            return false;
        }

        // Completions of one queue that arrive while another is being stored are stored together in one script
        // call (each still checked and applied on its own): no waiting at low load, far fewer round trips at high.
        var batch = _completionBatches.GetOrAdd(queue, static _ => new CompletionBatch());
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool flush;
        lock (batch.Gate)
        {
            batch.Pending.Add((completion, done));
            flush = !batch.Flushing;
            batch.Flushing = true;
        }

        if (flush)
        {
            await FlushCompletionsAsync(queue, batch).ConfigureAwait(false);
        }

        var held = await done.Task.ConfigureAwait(false);
        _claimedQueues.TryRemove(completion.TaskId, out _);
        return held;
    }

    private async Task FlushCompletionsAsync(string queue, CompletionBatch batch)
    {
        while (true)
        {
            List<(TaskCompletion Completion, TaskCompletionSource<bool> Done)> taken;
            lock (batch.Gate)
            {
                if (batch.Pending.Count == 0)
                {
                    batch.Flushing = false;
                    return;
                }

                var count = Math.Min(batch.Pending.Count, MaxCompletionBatch);
                taken = batch.Pending.GetRange(0, count);
                batch.Pending.RemoveRange(0, count);
            }

            try
            {
                var now = _timeProvider.GetUtcNow();
                var args = QueueArgs(queue, now, taken.Count * CompleteFieldsPerTask);
                var a = FirstArg;
                foreach (var (completion, _) in taken)
                {
                    args[a++] = completion.TaskId;
                    args[a++] = completion.WorkerId;
                    args[a++] = completion.Attempt;
                    args[a++] = completion.Outcome switch
                    {
                        CompletionOutcome.Succeeded => "s",
                        CompletionOutcome.Retry => "r",
                        CompletionOutcome.Dead => "d",
                        CompletionOutcome.Cancelled => "c",
                        CompletionOutcome.Released => "x",
                        _ => throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome, "Unknown completion outcome."),
                    };
                    args[a++] = completion.Result ?? string.Empty;
                    args[a++] = completion.Error?.Type ?? string.Empty;
                    args[a++] = completion.Error?.Message ?? string.Empty;
                    args[a++] = completion.Error?.StackTrace ?? string.Empty;
                    args[a++] = Str(ToMicros(completion.RetryAt ?? now));
                    args[a++] = completion.TimedOut ? "1" : "0";
                    args[a++] = Str(Math.Max(0, completion.RunTime.Ticks));
                }

                var answer = (RedisResult[])(await RunAsync("complete", db => CompleteScript.EvaluateAsync(db, [_keys.QueueMeta(queue)], args), CancellationToken.None).ConfigureAwait(false))!;
                for (var i = 0; i < taken.Count; i++)
                {
                    taken[i].Done.TrySetResult((int)answer[i] == 1);
                }
            }
            catch (Exception ex)
            {
                // The script is atomic: it stored all of the batch or none of it, so each caller gets the failure.
                foreach (var (_, done) in taken)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }

    private const int MaxCompletionBatch = 256;
    private const int CompleteFieldsPerTask = 11;

    private readonly ConcurrentDictionary<string, CompletionBatch> _completionBatches = new(StringComparer.Ordinal);

    /// <summary>Completions of one queue waiting to be stored, and whether a caller is storing them now.</summary>
    private sealed class CompletionBatch
    {
        public Lock Gate { get; } = new();

        public List<(TaskCompletion Completion, TaskCompletionSource<bool> Done)> Pending { get; } = [];

        public bool Flushing { get; set; }
    }

    public async ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        if (cancellationToken.IsCancellationRequested || queues.Count == 0 || _wake.TryConsume(queues, out var next))
        {
            return;
        }

        // A non-blocking look first (work may have come before this process subscribed), which also tells when the
        // next delayed task or lease falls due. No Redis command ever blocks the shared connection: after the look,
        // only the pub/sub wake-up (or the time) ends the wait; the caller then claims.
        var wait = maxWait;
        try
        {
            var now = _timeProvider.GetUtcNow();
            var answers = await RunAsync("wait for work", async db =>
            {
                var calls = new Task<RedisResult>[queues.Count];
                for (var i = 0; i < queues.Count; i++)
                {
                    calls[i] = ReadyScript.EvaluateAsync(db, [_keys.QueueMeta(queues[i])], QueueArgs(queues[i], now, 0));
                }

                return await Task.WhenAll(calls).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var answer in answers)
            {
                var value = (long)answer;
                if (value == 1)
                {
                    return;
                }

                if (value > 1)
                {
                    var untilDue = FromMicros(value) - now;
                    if (untilDue < wait)
                    {
                        wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
                    }
                }
            }
        }
        catch (StorageUnavailableException)
        {
            // Unreachable storage: wait the full time; the caller's next claim reports the error.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _timeProvider, stop.Token);
        await Task.WhenAny(next, delay).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private async ValueTask<string?> ResolveQueueAsync(string taskId, CancellationToken cancellationToken)
    {
        if (_claimedQueues.TryGetValue(taskId, out var queue))
        {
            return queue;
        }

        var value = await RunAsync("find task", db => db.HashGetAsync(_keys.Ids, taskId), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : value.ToString();
    }

    private async ValueTask<string?[]> ResolveQueuesAsync(IReadOnlyList<string> taskIds, CancellationToken cancellationToken)
    {
        var queues = new string?[taskIds.Count];
        List<int>? missing = null;
        for (var i = 0; i < taskIds.Count; i++)
        {
            if (_claimedQueues.TryGetValue(taskIds[i], out var queue))
            {
                queues[i] = queue;
            }
            else
            {
                (missing ??= []).Add(i);
            }
        }

        if (missing is not null)
        {
            var fields = missing.Select(i => (RedisValue)taskIds[i]).ToArray();
            var values = await RunAsync("find tasks", db => db.HashGetAsync(_keys.Ids, fields), cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < missing.Count; j++)
            {
                queues[missing[j]] = values[j].IsNull ? null : values[j].ToString();
            }
        }

        return queues;
    }
}
