using System.Globalization;
using System.Text.Json;
using Vigil.Realtime;
using Vigil.Sqlite.Connections;
using Vigil.Storage;
using Vigil.Workers;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    // ---- Workers ----------------------------------------------------------------------------------------------------------

    public async ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentException.ThrowIfNullOrEmpty(heartbeat.WorkerId, nameof(heartbeat));
        var json = JsonSerializer.Serialize(heartbeat, SqliteJsonContext.Default.WorkerHeartbeat);
        await WriteAsync(
            "record a heartbeat",
            (heartbeat.WorkerId, heartbeat.HeartbeatAt.ToUnixTimeMilliseconds(), json),
            static (_, session, row) => session.Command("""
                INSERT INTO vigil_workers (worker_id, heartbeat_at, record) VALUES ($id, $at, $record)
                ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, record = excluded.record
                """).Bind("$id", row.WorkerId).Bind("$at", row.Item2).Bind("$record", row.json).ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken) =>
        await ReadAsync("read workers", 0, static (_, session, _) => ReadWorkers(session), cancellationToken).ConfigureAwait(false);

    public async ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        await WriteAsync(
            "remove a worker",
            workerId,
            static (_, session, workerId) => session.Command("DELETE FROM vigil_workers WHERE worker_id = $id").Bind("$id", workerId).ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
    }

    // ---- Locks ------------------------------------------------------------------------------------------------------------

    public async ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        return await WriteAsync(
            "take a lock",
            (name, owner, ttl),
            static (self, session, request) =>
            {
                var now = self.NowMs();

                // One statement: taken if free, expired, or already ours; otherwise the row is left as it is.
                return session.Command("""
                    INSERT INTO vigil_locks (name, owner, expires_at) VALUES ($name, $owner, $expires)
                    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                    WHERE vigil_locks.owner = excluded.owner OR vigil_locks.expires_at <= $now
                    """)
                    .Bind("$name", request.name)
                    .Bind("$owner", request.owner)
                    .Bind("$expires", now + (long)request.ttl.TotalMilliseconds)
                    .Bind("$now", now)
                    .ExecuteNonQuery() > 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await WriteAsync(
            "release a lock",
            (name, owner),
            static (_, session, request) => session.Command("DELETE FROM vigil_locks WHERE name = $name AND owner = $owner")
                .Bind("$name", request.name).Bind("$owner", request.owner).ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
    }

    // ---- Health -----------------------------------------------------------------------------------------------------------

    public async ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var key = Guid.NewGuid().ToString("N");
        var readBack = await WriteAsync(
            "probe",
            key,
            static (_, session, key) =>
            {
                session.Command("INSERT INTO vigil_probe (key, value) VALUES ($key, $key)").Bind("$key", key).ExecuteNonQuery();
                var value = session.Command("SELECT value FROM vigil_probe WHERE key = $key").Bind("$key", key).ExecuteScalar() as string;
                session.Command("DELETE FROM vigil_probe WHERE key = $key").Bind("$key", key).ExecuteNonQuery();
                return value;
            },
            cancellationToken).ConfigureAwait(false);
        if (readBack != key)
        {
            throw new StorageUnavailableException(
                $"The SQLite storage '{_options.Path}' read back '{readBack}' instead of the probe value '{key}' it had just written.");
        }

        return _timeProvider.GetElapsedTime(started);
    }

    public Task ResetConnectionAsync(CancellationToken cancellationToken)
    {
        _pool.Reset();
        Interlocked.Increment(ref _pollerConnectionGeneration);
        try
        {
            // Prove at once that a new connection opens, instead of at the next call.
            _pool.Return(_pool.Rent());
            Log.ConnectionsReset(_logger, _options.Path);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            Log.ConnectionResetFailed(_logger, _options.Path, ex);
        }

        return Task.CompletedTask;
    }

    // ---- Event feed -------------------------------------------------------------------------------------------------------

    public async ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vigilEvent);
        ArgumentException.ThrowIfNullOrEmpty(vigilEvent.Kind, nameof(vigilEvent));
        await WriteAsync(
            "publish an event",
            vigilEvent,
            static (_, session, e) => session.Command("INSERT INTO vigil_events (kind, task_id, grp, data, at) VALUES ($kind, $taskId, $group, $data, $at)")
                .Bind("$kind", e.Kind)
                .Bind("$taskId", e.TaskId)
                .Bind("$group", e.Group)
                .Bind("$data", e.Data)
                .Bind("$at", e.At.ToUnixTimeMilliseconds())
                .ExecuteNonQuery(),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        long? after = null;
        if (afterCursor is not null)
        {
            if (!long.TryParse(afterCursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new ArgumentException(
                    $"Event cursor '{afterCursor}' is not one this SQLite storage returned: pass null to start from now, or the Cursor of the last batch.",
                    nameof(afterCursor));
            }

            after = parsed;
        }

        return await ReadAsync("read events", (after, maxCount), static (_, session, request) => ReadEvents(session, request.after, request.maxCount), cancellationToken)
            .ConfigureAwait(false);
    }

    private static EventBatch ReadEvents(SqliteSession session, long? after, int maxCount)
    {
        // Ids only grow (AUTOINCREMENT never reuses one, even after a purge), so "after the last id" loses nothing.
        var cursor = after ?? session.Command("SELECT COALESCE(MAX(id), 0) FROM vigil_events").ExecuteInt64() ?? 0;
        if (after is null)
        {
            return new EventBatch([], cursor.ToString(CultureInfo.InvariantCulture));
        }

        var events = new List<VigilEvent>();
        using (var reader = session.Command("SELECT id, kind, task_id, grp, data, at FROM vigil_events WHERE id > $after ORDER BY id LIMIT $limit")
            .Bind("$after", cursor).Bind("$limit", (long)maxCount).ExecuteReader())
        {
            while (reader.Read())
            {
                cursor = reader.GetInt64(0);
                events.Add(new VigilEvent
                {
                    Kind = reader.GetString(1),
                    TaskId = reader.GetStringOrNull(2),
                    Group = reader.GetStringOrNull(3),
                    Data = reader.GetStringOrNull(4),
                    At = FromMs(reader.GetInt64(5)),
                });
            }
        }

        return new EventBatch(events, cursor.ToString(CultureInfo.InvariantCulture));
    }
}
