using System.Globalization;
using StackExchange.Redis;
using Vigil.Redis.Scripts;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <content>
/// Idempotency keys. The contract makes a key global across queues ("a task whose key matches a non-terminal task is not
/// stored"), so it cannot live in a queue's slot. Each key has its own record <c>{P}:ik:KEY</c> holding
/// <c>queue|task id|reserved µs</c> of the task that holds it. Whether that task still holds the key is read from the
/// task itself, lazily, when another enqueue wants the key:
/// <list type="bullet">
/// <item>the task exists and is not terminal → the key is held (the new task is deduplicated to it);</item>
/// <item>the task is terminal → the key is free;</item>
/// <item>the task does not exist and was reserved less than <see cref="PendingReservation"/> ago → its enqueue is still
/// on its way (reserved, not yet stored): held;</item>
/// <item>the task does not exist and the reservation is older → its enqueue never completed, or the task was deleted or
/// purged: free.</item>
/// </list>
/// A free key is taken with a compare-and-swap on the record (<see cref="Scripts.LuaScripts.IdempotencySwap"/>), so of two
/// enqueues that both found it free exactly one wins; the other sees the winner's fresh reservation and is deduplicated
/// to it. Completion therefore never touches the key records (no extra round trip on the hot path); delete and purge
/// remove the record of the task they remove, if it still holds it.
/// </content>
/// <remarks>
/// What this does not make atomic, because a task and its key record are on different slots: a dead task retried by hand
/// in the instant between another enqueue's check of that task and its swap ends up running beside the new task that
/// took its key; and an enqueue whose store fails after its reservation leaves other enqueues of the key deduplicated
/// to a task id that does not exist until <see cref="PendingReservation"/> has passed (the failed caller got an
/// exception; trying again with the same task id finds its own reservation and stores the task).
/// </remarks>
internal sealed partial class RedisVigilStorage
{
    /// <summary>How many times a contended key is checked again before the enqueue gives up.</summary>
    private const int MaxKeyRounds = 8;

    /// <summary>
    /// How long a reservation whose task does not exist yet still holds its key: longer than any enqueue can take
    /// between reserving and storing, retries while Redis is unavailable included.
    /// </summary>
    private TimeSpan PendingReservation
    {
        get
        {
            var longest = (_options.OperationTimeout * 4) + _options.EnqueueWaitWhenUnavailable;
            return longest > TimeSpan.FromMinutes(1) ? longest : TimeSpan.FromMinutes(1);
        }
    }

    /// <summary>
    /// Reserves the idempotency keys of <paramref name="tasks"/>. Fills <paramref name="results"/> for the tasks that are
    /// deduplicated and returns which they are (<see langword="null"/> when none has a key). The first task of a key in
    /// the batch is the one that may take it; later ones of the same key are deduplicated to whatever it gets.
    /// </summary>
    private async Task<bool[]?> ReserveKeysAsync(IReadOnlyList<NewTask> tasks, DateTimeOffset now, EnqueueResult[] results, CancellationToken cancellationToken)
    {
        Dictionary<string, int>? first = null;
        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i].IdempotencyKey is { } key)
            {
                first ??= new Dictionary<string, int>(StringComparer.Ordinal);
                first.TryAdd(key, i);
            }
        }

        if (first is null)
        {
            return null;
        }

        var micros = ToMicros(now);
        var candidates = first.ToArray();
        var holders = await RunAsync("enqueue", async db =>
        {
            var calls = new Task<RedisResult>[candidates.Length];
            for (var c = 0; c < candidates.Length; c++)
            {
                var task = tasks[candidates[c].Value];
                calls[c] = RedisScripts.IdempotencyReserve.EvaluateAsync(db, [_keys.Idempotency(candidates[c].Key)], [IdempotencyHolder(task.Queue, task.Id, micros)]);
            }

            return await Task.WhenAll(calls).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        // Keys held by someone else: decide each (concurrently) whether the holder still holds it.
        var owner = new string?[candidates.Length];
        var contested = new List<Task>();
        for (var c = 0; c < candidates.Length; c++)
        {
            if (holders[c].IsNull)
            {
                continue; // reserved for this task
            }

            var slot = c;
            contested.Add(Resolve());
            async Task Resolve()
            {
                var task = tasks[candidates[slot].Value];
                owner[slot] = await ResolveKeyAsync(candidates[slot].Key, task.Queue, task.Id, (string)holders[slot]!, micros, cancellationToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(contested).ConfigureAwait(false);

        var deduplicated = new bool[tasks.Count];
        var winner = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var c = 0; c < candidates.Length; c++)
        {
            winner[candidates[c].Key] = owner[c];
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i].IdempotencyKey is not { } key)
            {
                continue;
            }

            var existing = winner[key];
            if (first[key] == i && existing is null)
            {
                continue; // this task holds the key: it is stored
            }

            deduplicated[i] = true;
            results[i] = new EnqueueResult(existing ?? tasks[first[key]].Id, Deduplicated: true);
        }

        return deduplicated;
    }

    /// <summary>
    /// Decides a key found held by <paramref name="holder"/>: returns the id of the live task that holds it (the new task
    /// is deduplicated to it), or <see langword="null"/> when task <paramref name="taskId"/> got it.
    /// </summary>
    private async Task<string?> ResolveKeyAsync(string key, string queue, string taskId, string? holder, long micros, CancellationToken cancellationToken)
    {
        var record = _keys.Idempotency(key);
        var mine = IdempotencyHolder(queue, taskId, micros);
        for (var round = 0; round < MaxKeyRounds; round++)
        {
            if (holder is null)
            {
                // Released meanwhile: reserve it again.
                var again = await RunAsync("enqueue", db => RedisScripts.IdempotencyReserve.EvaluateAsync(db, [record], [mine]), cancellationToken).ConfigureAwait(false);
                if (again.IsNull)
                {
                    return null;
                }

                holder = (string)again!;
                continue;
            }

            var (holderQueue, id, reservedAt) = ParseHolder(holder);
            if (string.Equals(id, taskId, StringComparison.Ordinal))
            {
                return null; // this very task's reservation, from an earlier try of the same call
            }

            if (await HoldsKeyAsync(holderQueue, id, reservedAt, micros, cancellationToken).ConfigureAwait(false))
            {
                return id;
            }

            // Free: take it only if it is still the holder just checked (a concurrent enqueue may have taken it first).
            var swapped = await RunAsync("enqueue", db => RedisScripts.IdempotencySwap.EvaluateAsync(db, [record], [holder, mine]), cancellationToken).ConfigureAwait(false);
            if ((int)swapped == 1)
            {
                return null;
            }

            var current = await RunAsync("enqueue", db => db.StringGetAsync(record), cancellationToken).ConfigureAwait(false);
            holder = current.IsNull ? null : current.ToString();
        }

        throw new StorageUnavailableException(
            $"Redis at {Location}: idempotency key '{key}' changed hands {MaxKeyRounds} times while task {taskId} checked it; nothing was stored, try again.");
    }

    /// <summary>Whether the task <paramref name="id"/> of <paramref name="queue"/> still holds its key (see the type's remarks).</summary>
    private async Task<bool> HoldsKeyAsync(string queue, string id, long reservedAt, long nowMicros, CancellationToken cancellationToken)
    {
        var state = await RunAsync("enqueue", db => db.HashGetAsync(_keys.Task(queue, id), "st"), cancellationToken).ConfigureAwait(false);
        if (state.IsNull)
        {
            return nowMicros - reservedAt < (long)(PendingReservation.Ticks / 10);
        }

        var text = state.ToString();
        return text is not ("succeeded" or "dead" or "cancelled");
    }

    /// <summary>
    /// After a retry by hand made task <paramref name="id"/> live again: it takes its key back if the key is free (it does
    /// not take it from another live task that got the key meanwhile).
    /// </summary>
    private async Task RetakeKeyAsync(string key, string queue, string id, CancellationToken cancellationToken)
    {
        var micros = ToMicros(_timeProvider.GetUtcNow());
        var holder = await RunAsync("retry", db => RedisScripts.IdempotencyReserve.EvaluateAsync(db, [_keys.Idempotency(key)], [IdempotencyHolder(queue, id, micros)]), cancellationToken).ConfigureAwait(false);
        if (!holder.IsNull)
        {
            await ResolveKeyAsync(key, queue, id, (string)holder!, micros, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the records of keys still held by tasks that were just removed (delete, purge).</summary>
    private async Task ReleaseKeysAsync(string queue, IReadOnlyList<(string Id, string Key)> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await RunAsync("release idempotency keys", async db =>
        {
            var calls = new Task<RedisResult>[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                calls[i] = RedisScripts.IdempotencyRelease.EvaluateAsync(db, [_keys.Idempotency(keys[i].Key)], [queue + "|" + keys[i].Id + "|"]);
            }

            await Task.WhenAll(calls).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string IdempotencyHolder(string queue, string id, long reservedMicros) =>
        queue + "|" + id + "|" + reservedMicros.ToString(CultureInfo.InvariantCulture);

    private static (string Queue, string Id, long ReservedAt) ParseHolder(string holder)
    {
        // queue|id|µs: queue names have no '|' (letters, digits, '-', '_', '.'), the time is digits.
        var firstBar = holder.IndexOf('|', StringComparison.Ordinal);
        var lastBar = holder.LastIndexOf('|');
        if (firstBar <= 0 || lastBar <= firstBar)
        {
            return (string.Empty, holder, 0);
        }

        _ = long.TryParse(holder.AsSpan(lastBar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros);
        return (holder[..firstBar], holder[(firstBar + 1)..lastBar], micros);
    }
}
