using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using Vigil.Realtime;
using Vigil.Redis.Scripts;
using Vigil.Storage;
using Vigil.Workers;

namespace Vigil.Redis.Engine;

internal sealed partial class RedisVigilStorage
{
    public async ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var json = JsonSerializer.Serialize(heartbeat, RedisJsonContext.Default.WorkerHeartbeat);
        var at = ToMicros(heartbeat.HeartbeatAt);
        await RunAsync("record heartbeat", async db =>
        {
            // The record expires in Redis's own clock as a safety net; the index keeps heartbeat times for purge.
            var set = db.StringSetAsync(_keys.Worker(heartbeat.WorkerId), json, _options.WorkerRecordExpiry);
            var index = db.SortedSetAddAsync(_keys.Workers, heartbeat.WorkerId, at);
            await Task.WhenAll(set, index).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken)
    {
        return await RunAsync("get workers", async db =>
        {
            var ids = await db.SortedSetRangeByRankAsync(_keys.Workers).ConfigureAwait(false);
            if (ids.Length == 0)
            {
                return (IReadOnlyList<WorkerHeartbeat>)[];
            }

            var values = await db.StringGetAsync(ids.Select(id => _keys.Worker(id.ToString())).ToArray()).ConfigureAwait(false);
            var workers = new List<WorkerHeartbeat>(ids.Length);
            List<RedisValue>? gone = null;
            for (var i = 0; i < ids.Length; i++)
            {
                if (values[i].IsNullOrEmpty)
                {
                    (gone ??= []).Add(ids[i]); // expired in Redis's clock: drop the index entry too
                    continue;
                }

                var heartbeat = JsonSerializer.Deserialize(values[i].ToString(), RedisJsonContext.Default.WorkerHeartbeat);
                if (heartbeat is not null)
                {
                    workers.Add(heartbeat);
                }
            }

            if (gone is not null)
            {
                await db.SortedSetRemoveAsync(_keys.Workers, [.. gone]).ConfigureAwait(false);
            }

            workers.Sort((a, b) => string.CompareOrdinal(a.WorkerId, b.WorkerId));
            return (IReadOnlyList<WorkerHeartbeat>)workers;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        await EndHandOffsAsync(workerId, cancellationToken).ConfigureAwait(false);
        await RunAsync("remove worker", async db =>
        {
            var delete = db.KeyDeleteAsync(_keys.Worker(workerId));
            var index = db.SortedSetRemoveAsync(_keys.Workers, workerId);
            await Task.WhenAll(delete, index).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = _timeProvider.GetUtcNow();

        // Expiry follows the engine's clock; Redis's own expiry (a minute later) only cleans up abandoned locks.
        RedisValue[] args = [owner, ToMicros(now), ToMicros(now + ttl), (long)(ttl + TimeSpan.FromMinutes(1)).TotalMilliseconds];
        var answer = await RunAsync("acquire lock", db => RedisScripts.AcquireLock.EvaluateAsync(db, [_keys.Lock(name)], args), cancellationToken).ConfigureAwait(false);
        return (int)answer == 1;
    }

    public async ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await RunAsync("release lock", db => RedisScripts.ReleaseLock.EvaluateAsync(db, [_keys.Lock(name)], [owner]), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var key = _keys.Probe(Guid.NewGuid().ToString("N"));
        var value = Guid.NewGuid().ToString("N");
        var read = await RunAsync("probe", async db =>
        {
            // Three commands in one round trip, in order on the one connection.
            var set = db.StringSetAsync(key, value, TimeSpan.FromMinutes(1));
            var get = db.StringGetAsync(key);
            var delete = db.KeyDeleteAsync(key);
            await Task.WhenAll(set, get, delete).ConfigureAwait(false);
            return get.Result;
        }, cancellationToken).ConfigureAwait(false);
        if (read != value)
        {
            throw new StorageUnavailableException($"Redis at {Location} read back '{read}' for probe key '{key}' instead of the value just written: the storage is not answering reliably.");
        }

        return _timeProvider.GetElapsedTime(started);
    }

    public async ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vigilEvent);
        cancellationToken.ThrowIfCancellationRequested();

        // Events published while another batch is on its way go together in one script call (a worker publishes a
        // task.state event per task): one round trip and one trim for many events, none added when idle.
        var publish = _events.SubmitAsync(vigilEvent);
        await (cancellationToken.CanBeCanceled ? publish.WaitAsync(cancellationToken) : publish).ConfigureAwait(false);
    }

    /// <summary>Stores one batch of events with one script call (ids from the engine's clock, never below the last).</summary>
    private async Task<bool[]> SendEventsAsync(List<GroupCommit<VigilEvent, bool>.Entry> batch)
    {
        var count = 1;
        foreach (var (e, _) in batch)
        {
            count += 6 + (e.TaskId is null ? 0 : 2) + (e.Group is null ? 0 : 2) + (e.Data is null ? 0 : 2);
        }

        var args = new RedisValue[count];
        args[0] = _options.EventFeedMaxLength;
        var a = 1;
        foreach (var (e, _) in batch)
        {
            args[a++] = e.At.ToUnixTimeMilliseconds();
            var fields = a++;
            args[a++] = EventKind;
            args[a++] = e.Kind;
            args[a++] = EventAt;
            args[a++] = ToMicros(e.At);
            if (e.TaskId is not null)
            {
                args[a++] = EventTask;
                args[a++] = e.TaskId;
            }

            if (e.Group is not null)
            {
                args[a++] = EventGroup;
                args[a++] = e.Group;
            }

            if (e.Data is not null)
            {
                args[a++] = EventData;
                args[a++] = e.Data;
            }

            args[fields] = a - fields - 1;
        }

        await RunScriptAsync("publish event", RedisScripts.PublishEvents, _eventsKeys, args, CancellationToken.None).ConfigureAwait(false);
        var stored = new bool[batch.Count];
        Array.Fill(stored, true);
        return stored;
    }

    private const int MaxEventBatch = 512;

    private static readonly RedisValue EventKind = "k";
    private static readonly RedisValue EventAt = "at";
    private static readonly RedisValue EventTask = "t";
    private static readonly RedisValue EventGroup = "g";
    private static readonly RedisValue EventData = "d";

    public async ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken)
    {
        if (afterCursor is not null && !IsStreamId(afterCursor))
        {
            throw new ArgumentException($"Event cursor '{afterCursor}' is invalid: pass null or the Cursor of the last EventBatch.", nameof(afterCursor));
        }

        var count = Math.Max(1, maxCount);
        return await RunAsync("read events", async db =>
        {
            if (afterCursor is null)
            {
                // Start from now: the cursor is the newest id, no past events.
                var last = await db.StreamRangeAsync(_keys.Events, "-", "+", 1, Order.Descending).ConfigureAwait(false);
                return new EventBatch([], last.Length == 0 ? "0-0" : last[0].Id.ToString());
            }

            var entries = await db.StreamRangeAsync(_keys.Events, "(" + afterCursor, "+", count).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                return new EventBatch([], afterCursor);
            }

            var events = new List<VigilEvent>(entries.Length);
            foreach (var entry in entries)
            {
                events.Add(ReadEvent(entry));
            }

            return new EventBatch(events, entries[^1].Id.ToString());
        }, cancellationToken).ConfigureAwait(false);
    }

    private static VigilEvent ReadEvent(StreamEntry entry)
    {
        string? kind = null, taskId = null, group = null, data = null;
        long at = 0;
        foreach (var field in entry.Values)
        {
            switch (field.Name.ToString())
            {
                case "k": kind = field.Value.ToString(); break;
                case "t": taskId = field.Value.ToString(); break;
                case "g": group = field.Value.ToString(); break;
                case "d": data = field.Value.ToString(); break;
                case "at": at = long.Parse(field.Value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture); break;
                default: break;
            }
        }

        return new VigilEvent { Kind = kind ?? string.Empty, TaskId = taskId, Group = group, Data = data, At = FromMicros(at) };
    }

    private static bool IsStreamId(string cursor)
    {
        var dash = cursor.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < cursor.Length - 1
            && cursor.AsSpan(0, dash).IndexOfAnyExceptInRange('0', '9') < 0
            && cursor.AsSpan(dash + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
