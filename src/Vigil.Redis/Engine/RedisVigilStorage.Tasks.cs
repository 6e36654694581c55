using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Vigil.Redis.Scripts;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

internal sealed partial class RedisVigilStorage
{
    private const int ClaimFieldsPerTask = 12;

    /// <summary>The claim script's own arguments before its queues: worker, lease expiry, count, registration end, channel.</summary>
    private const int ClaimArgs = 5;
    private const int MaxRememberedClaims = 100_000;

    /// <summary>How long after a claim that ran dry a wait for work of the same queues trusts it instead of looking again.</summary>
    private static readonly TimeSpan DrainedClaimStandsFor = TimeSpan.FromMilliseconds(100);

    // The queue of each task this process claimed, so renewals and completions need no lookup round trip.
    private readonly ConcurrentDictionary<string, string> _claimedQueues = new(StringComparer.Ordinal);

    // The last claim of this process, if it got fewer tasks than it asked for (see WaitForWorkAsync).
    private DrainedClaim? _lastDrainedClaim;

    public async ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxCount <= 0 || request.Queues.Count == 0)
        {
            return [];
        }

        if (TakeHandedTasks(request) is { } handed)
        {
            return handed;
        }

        if (_claimedQueues.Count > MaxRememberedClaims)
        {
            // Only a cache (the id index answers too): bound it against tasks whose completion never came here.
            _claimedQueues.Clear();
        }

        var now = _timeProvider.GetUtcNow();
        var leaseExpires = now + request.LeaseDuration;
        var leaseMicros = ToMicros(leaseExpires);
        var leaseAt = FromMicros(leaseMicros);

        // A claim that runs dry registers the worker as waiting (see LuaScripts.HandOff), with room for what it did not get;
        // one that gets all it asked for ends its registration. Only when all its queues share one slot, so one script sees
        // the whole claim: always on one server, in practice never on Cluster (each queue is its own hash tag).
        var registrationEnds = RegistrationEnds(now);
        List<ClaimedTask>? claimed = null;
        long nextDue = 0;
        var drained = true;

        // Queues in priority order: a later queue only fills the slots the earlier ones left. All of them in one script
        // call on one server; on Cluster, one call per run of consecutive queues that share a slot, in order.
        var queues = request.Queues;
        var first = 0;
        while (first < queues.Count)
        {
            var remaining = request.MaxCount - (claimed?.Count ?? 0);
            if (remaining <= 0)
            {
                break;
            }

            var count = IsCluster ? SameSlotRun(queues, first) : queues.Count - first;
            var args = QueueArgs(queues[first], now, ClaimArgs + count);
            args[FirstArg] = request.WorkerId;
            args[FirstArg + 1] = leaseMicros;
            args[FirstArg + 2] = remaining;
            var registers = first == 0 && count == queues.Count && registrationEnds != 0;
            args[FirstArg + 3] = registers ? registrationEnds : 0;
            args[FirstArg + 4] = _handOffChannelName;
            for (var q = 0; q < count; q++)
            {
                args[FirstArg + ClaimArgs + q] = queues[first + q];
            }

            if (registers && registrationEnds > 0)
            {
                Inbox(request.WorkerId).Claiming(queues);
            }

            var answer = await RunScriptAsync("claim", RedisScripts.Claim, _keys.Queue(queues[first]).MetaKeys, args, cancellationToken).ConfigureAwait(false);
            var fields = (RedisResult[])answer!;
            if (fields.Length % ClaimFieldsPerTask == 1)
            {
                // Fewer than asked: the script said when these queues' next delayed task or lease falls due.
                var due = (long)fields[^1];
                nextDue = due > 0 && (nextDue == 0 || due < nextDue) ? due : nextDue;
            }
            else
            {
                drained = false;
            }

            for (var i = 0; i + ClaimFieldsPerTask <= fields.Length; i += ClaimFieldsPerTask)
            {
                var queue = queues[first + (int)fields[i] - 1];
                var task = ParseClaimed(queue, fields, i + 1, now, leaseAt);
                _claimedQueues[task.Id] = queue;
                (claimed ??= new List<ClaimedTask>(request.MaxCount)).Add(task);
            }

            first += count;
        }

        // Every script ran dry (if one filled its share, the later queues were not all looked at).
        Volatile.Write(ref _lastDrainedClaim, drained ? new DrainedClaim(queues, _timeProvider.GetTimestamp(), nextDue) : null);
        return claimed is null ? [] : claimed;
    }

    /// <summary>How many queues from <paramref name="first"/> on share its Cluster slot, in a row.</summary>
    private int SameSlotRun(IReadOnlyList<string> queues, int first)
    {
        var multiplexer = _connection.Current;
        if (multiplexer is null)
        {
            return 1;
        }

        var slot = multiplexer.HashSlot(_keys.QueueMeta(queues[first]));
        var count = 1;
        while (first + count < queues.Count && multiplexer.HashSlot(_keys.QueueMeta(queues[first + count])) == slot)
        {
            count++;
        }

        return count;
    }

    private static ClaimedTask ParseClaimed(string queue, RedisResult[] f, int i, DateTimeOffset now, DateTimeOffset leaseExpires) =>
        NewClaimedTask(
            queue, id: f[i].ToString(), type: f[i + 1].ToString(), payload: f[i + 2].ToString(), attempt: (int)f[i + 3], maxAttempts: (int)f[i + 4],
            timeout: f[i + 5].ToString(), createdMicros: (long)f[i + 6], readySinceMicros: (long)f[i + 7], traceParent: f[i + 8].ToString(),
            traceState: f[i + 9].ToString(), takenOver: (int)f[i + 10] == 1, now, leaseExpires);

    /// <summary>A claimed task from the fields a claim (or a hand-off) returns; empty strings stand for none.</summary>
    private static ClaimedTask NewClaimedTask(
        string queue, string id, string type, string payload, int attempt, int maxAttempts, string timeout, long createdMicros,
        long readySinceMicros, string traceParent, string traceState, bool takenOver, DateTimeOffset now, DateTimeOffset leaseExpires)
    {
        var wait = now - FromMicros(readySinceMicros);
        return new ClaimedTask
        {
            Id = id,
            Type = type,
            Queue = queue,
            Payload = payload,
            Attempt = attempt,
            MaxAttempts = maxAttempts,
            Timeout = timeout.Length == 0 ? null : TimeSpan.FromTicks(long.Parse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture)),
            CreatedAt = FromMicros(createdMicros),
            WaitTime = wait < TimeSpan.Zero ? TimeSpan.Zero : wait,
            TakenOver = takenOver,
            LeaseExpiresAt = leaseExpires,
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
        var leaseMicros = ToMicros(now + leaseDuration);
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

            var answer = (RedisResult[])(await RunScriptAsync("renew leases", RedisScripts.Renew, _keys.Queue(queue).MetaKeys, args, cancellationToken).ConfigureAwait(false))!;
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

        // Completions of one queue that arrive while another batch is being stored are stored together in one script
        // call (each still fenced and applied on its own): no waiting at low load, far fewer round trips at high.
        var batch = _completions.GetOrAdd(queue, static (q, self) => new GroupCommit<TaskCompletion, bool>(
            entries => self.SendCompletionsAsync(q, entries), MaxCompletionBatch), this);
        var held = await batch.SubmitAsync(completion).ConfigureAwait(false);
        _claimedQueues.TryRemove(completion.TaskId, out _);
        return held;
    }

    /// <summary>Stores one batch of completions of <paramref name="queue"/> with one script call.</summary>
    private async Task<bool[]> SendCompletionsAsync(string queue, List<GroupCommit<TaskCompletion, bool>.Entry> batch)
    {
        var now = _timeProvider.GetUtcNow();
        var args = QueueArgs(queue, now, batch.Count * CompleteFieldsPerTask);
        var retryDefault = ToMicros(now);
        var a = FirstArg;
        foreach (var (completion, _) in batch)
        {
            args[a++] = completion.TaskId;
            args[a++] = completion.WorkerId;
            args[a++] = completion.Attempt;
            args[a++] = completion.Outcome switch
            {
                CompletionOutcome.Succeeded => OutcomeSucceeded,
                CompletionOutcome.Retry => OutcomeRetry,
                CompletionOutcome.Dead => OutcomeDead,
                CompletionOutcome.Cancelled => OutcomeCancelled,
                CompletionOutcome.Released => OutcomeReleased,
                _ => throw new ArgumentOutOfRangeException(nameof(batch), completion.Outcome, "Unknown completion outcome."),
            };
            args[a++] = completion.Result ?? string.Empty;
            args[a++] = completion.Error?.Type ?? string.Empty;
            args[a++] = completion.Error?.Message ?? string.Empty;
            args[a++] = completion.Error?.StackTrace ?? string.Empty;
            args[a++] = completion.RetryAt is { } retryAt ? ToMicros(retryAt) : retryDefault;
            args[a++] = completion.TimedOut ? One : Zero;
            args[a++] = Math.Max(0, completion.RunTime.Ticks);
        }

        // The script is atomic: it stores all of the batch or none of it, so a failure goes to each caller (GroupCommit).
        var answer = (RedisResult[])(await RunScriptAsync("complete", RedisScripts.Complete, _keys.Queue(queue).MetaKeys, args, CancellationToken.None).ConfigureAwait(false))!;
        var held = new bool[answer.Length];
        for (var i = 0; i < answer.Length; i++)
        {
            held[i] = (int)answer[i] == 1;
        }

        return held;
    }

    private const int MaxCompletionBatch = 256;
    private const int CompleteFieldsPerTask = 11;

    private static readonly RedisValue OutcomeSucceeded = "s";
    private static readonly RedisValue OutcomeRetry = "r";
    private static readonly RedisValue OutcomeDead = "d";
    private static readonly RedisValue OutcomeCancelled = "c";
    private static readonly RedisValue OutcomeReleased = "x";
    private static readonly RedisValue One = "1";
    private static readonly RedisValue Zero = "0";

    private readonly ConcurrentDictionary<string, GroupCommit<TaskCompletion, bool>> _completions = new(StringComparer.Ordinal);

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
        if (Volatile.Read(ref _lastDrainedClaim) is { } drained
            && ReferenceEquals(drained.Queues, queues)
            && _timeProvider.GetElapsedTime(drained.Timestamp) < DrainedClaimStandsFor)
        {
            // These very queues were just claimed from and ran dry: that claim was the look (a wake-up since then is
            // latched in _wake), and it said when the next delayed task or lease falls due. An idle worker's poll costs
            // one script call instead of one per queue more, and a worker that got its last task needs no empty claim.
            if (drained.NextDueMicros > 0)
            {
                var untilDue = FromMicros(drained.NextDueMicros) - _timeProvider.GetUtcNow();
                wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
            }

            await WaitAsync(next, wait, queues, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            var now = _timeProvider.GetUtcNow();
            var answers = await RunAsync("wait for work", async db =>
            {
                var calls = new Task<RedisResult>[queues.Count];
                for (var i = 0; i < queues.Count; i++)
                {
                    calls[i] = RedisScripts.Ready.EvaluateAsync(db, _keys.Queue(queues[i]).MetaKeys, QueueArgs(queues[i], now, 0));
                }

                return await Task.WhenAll(calls).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var answer in answers)
            {
                var value = (long)answer;
                if (value == 1)
                {
                    UseUpWakeUp(next, queues, cancellationToken);
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

        await WaitAsync(next, wait, queues, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the wake-up signal, the time, or the token, whichever is first; a wake-up that came is used up (see
    /// <see cref="UseUpWakeUp"/>).
    /// </summary>
    private async Task WaitAsync(Task signal, TimeSpan wait, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            UseUpWakeUp(signal, queues, cancellationToken);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _timeProvider, stop.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);

        // Cancel, not CancelAsync: the one callback is the delay's timer, cheap to stop here, whereas CancelAsync runs it
        // on the thread pool and this method would resume there, one thread hop more between a wake-up and its claim.
        stop.Cancel();
        UseUpWakeUp(signal, queues, cancellationToken);
    }

    /// <summary>
    /// A wake-up that came during this wait is used up by the claim the caller sends next, which sees every task enqueued
    /// until it runs (the scripts publish the wake-up in the same atomic step as the task). Left pending, it would end
    /// the next wait at once, for a claim that finds nothing: two claims per task for a worker given one task at a
    /// time. Not when the wait was cancelled: no claim follows then.
    /// </summary>
    private void UseUpWakeUp(Task signal, IReadOnlyList<string> queues, CancellationToken cancellationToken)
    {
        if (signal.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            _wake.ClearPending(queues);
        }
    }

    /// <summary>A claim that ran dry: which queues (the caller's very list), when, and the next due time (µs; 0 none).</summary>
    private sealed record DrainedClaim(IReadOnlyList<string> Queues, long Timestamp, long NextDueMicros);

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
