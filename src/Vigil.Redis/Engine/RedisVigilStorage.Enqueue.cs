using StackExchange.Redis;
using Vigil.Redis.Scripts;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <content>
/// Enqueue. What spans slots is written around the per-slot scripts, in an order that is safe at every point a process
/// may die:
/// <list type="number">
/// <item>idempotency keys are reserved (a record per key, outside every queue's slot; see
/// <see cref="ReserveKeysAsync"/>);</item>
/// <item>the id index (<c>{P}:ids</c>, id → queue) and the queue set are written;</item>
/// <item>the enqueue script stores the tasks of each slot atomically.</item>
/// </list>
/// A crash between 2 and 3 leaves an index entry that points at no task: it reads as "no such task", exactly what a
/// caller whose enqueue failed expects. The reverse order could leave a running task that nobody can find by id.
/// On one Redis (standalone or Sentinel) 2 and 3 go in one pipeline on the one connection, so Redis runs them in that
/// order; on Cluster they live on different nodes, so 3 is sent only after 2 was answered.
/// </content>
internal sealed partial class RedisVigilStorage
{
    private const int EnqueueFieldsPerTask = 11;

    private readonly Lock _orderGate = new();
    private long _orderMs = -1;
    private long _orderNext;

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
                // Trying again is safe: the enqueue script stores each task id at most once, and a key this call
                // reserved already is recognized as its own.
                await Task.Delay(TimeSpan.FromMilliseconds(200), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<EnqueueResult>> EnqueueOnceAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var results = new EnqueueResult[tasks.Count];
        var deduplicated = await ReserveKeysAsync(tasks, now, results, cancellationToken).ConfigureAwait(false);

        // The tasks to store, in batch order, with the process's creation-order hints (see LuaScripts.Enqueue).
        var store = new List<int>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            if (deduplicated is null || !deduplicated[i])
            {
                store.Add(i);
                results[i] = new EnqueueResult(tasks[i].Id, Deduplicated: false);
            }
        }

        if (store.Count == 0)
        {
            return results;
        }

        var orderMs = now.ToUnixTimeMilliseconds();
        var firstHint = NextOrderHints(orderMs, store.Count);
        var hints = new long[tasks.Count];
        var index = new HashEntry[store.Count];
        var queueNames = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < store.Count; j++)
        {
            var task = tasks[store[j]];
            hints[store[j]] = firstHint + j;
            index[j] = new HashEntry(task.Id, task.Queue);
            queueNames.Add(task.Queue);
        }

        var queues = new RedisValue[queueNames.Count];
        var q = 0;
        foreach (var name in queueNames)
        {
            queues[q++] = name;
        }

        await RunAsync("enqueue", async db =>
        {
            var indexed = db.HashSetAsync(_keys.Ids, index);
            var registered = db.SetAddAsync(_keys.Queues, queues);
            if (!IsCluster)
            {
                // One Redis: the pipeline keeps the order (index first), and the whole batch is one atomic script.
                var stored = RedisScripts.Enqueue.EvaluateAsync(db, _keys.Queue(tasks[store[0]].Queue).MetaKeys, EnqueueArgs(tasks, store, hints, now, orderMs));
                await Task.WhenAll(indexed, registered, stored).ConfigureAwait(false);
                return true;
            }

            await Task.WhenAll(indexed, registered).ConfigureAwait(false);

            // Cluster: one script per slot, each atomic for its slot. A batch spanning slots is not atomic as a whole:
            // if a node fails mid-way, the call throws and trying it again completes it without duplicates (each task
            // id is stored at most once), like any enqueue that failed.
            var bySlot = new Dictionary<int, List<int>>();
            foreach (var i in store)
            {
                var slot = db.Multiplexer.HashSlot(_keys.QueueMeta(tasks[i].Queue));
                if (!bySlot.TryGetValue(slot, out var members))
                {
                    bySlot[slot] = members = [];
                }

                members.Add(i);
            }

            var calls = new List<Task<RedisResult>>(bySlot.Count);
            foreach (var members in bySlot.Values)
            {
                calls.Add(RedisScripts.Enqueue.EvaluateAsync(db, _keys.Queue(tasks[members[0]].Queue).MetaKeys, EnqueueArgs(tasks, members, hints, now, orderMs)));
            }

            await Task.WhenAll(calls).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>The enqueue script's arguments for the tasks at <paramref name="positions"/> (see <see cref="LuaScripts.Enqueue"/>).</summary>
    private RedisValue[] EnqueueArgs(IReadOnlyList<NewTask> tasks, List<int> positions, long[] hints, DateTimeOffset now, long orderMs)
    {
        var args = QueueArgs(tasks[positions[0]].Queue, now, 2 + (positions.Count * EnqueueFieldsPerTask));
        args[FirstArg] = orderMs;
        args[FirstArg + 1] = HandOffLeaseMicros;
        var a = FirstArg + 2;
        foreach (var i in positions)
        {
            var task = tasks[i];
            args[a++] = task.Queue;
            args[a++] = task.Id;
            args[a++] = task.Type;
            args[a++] = task.Payload;
            args[a++] = task.MaxAttempts;
            args[a++] = task.Timeout is { } timeout ? timeout.Ticks : RedisValue.EmptyString;
            args[a++] = task.DueAt is { } due ? ToMicros(due) : RedisValue.EmptyString;
            args[a++] = task.IdempotencyKey ?? string.Empty;
            args[a++] = task.TraceParent ?? string.Empty;
            args[a++] = task.TraceState ?? string.Empty;
            args[a++] = hints[i];
        }

        return args;
    }

    /// <summary>
    /// This process's creation-order counter for <paramref name="ms"/>: the first of <paramref name="count"/> numbers
    /// reserved for one call, so tasks enqueued by this process in the same millisecond keep their order across queues.
    /// </summary>
    private long NextOrderHints(long ms, int count)
    {
        lock (_orderGate)
        {
            if (ms != _orderMs)
            {
                _orderMs = ms;
                _orderNext = 0;
            }

            var first = _orderNext;
            _orderNext += count;
            return first;
        }
    }
}
