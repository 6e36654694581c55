using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vigil.Sqlite.Connections;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    private const string TaskColumns = """
        id, type, queue, payload, state, attempt, max_attempts, timeout_ms, created_at, due_at, finished_at, idempotency_key, result,
        error_type, error_message, error_stack, lease_owner, lease_expires_at, cancel_requested, trace_parent, trace_state
        """;

    // ---- Reading tasks ----------------------------------------------------------------------------------------------------

    public async ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await ReadAsync("read a task", taskId, static (_, session, taskId) => ReadTask(session, taskId), cancellationToken)
            .ConfigureAwait(false);
    }

    private static TaskRecord? ReadTask(SqliteSession session, string taskId)
    {
        TaskRecord record;
        using (var reader = session.Command($"SELECT {TaskColumns} FROM vigil_tasks WHERE id = $id").Bind("$id", taskId).ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            record = ReadTaskRow(reader);
        }

        var timeline = new List<TaskAttempt>();
        using (var reader = session.Command("""
            SELECT number, worker_id, started_at, ended_at, outcome, error_type, error_message, error_stack
            FROM vigil_attempts WHERE task_id = $id ORDER BY number
            """).Bind("$id", taskId).ExecuteReader())
        {
            while (reader.Read())
            {
                timeline.Add(new TaskAttempt
                {
                    Number = (int)reader.GetInt64(0),
                    WorkerId = reader.GetString(1),
                    StartedAt = FromMs(reader.GetInt64(2)),
                    EndedAt = FromMs(reader.GetInt64OrNull(3)),
                    Outcome = reader.GetStringOrNull(4),
                    Error = ReadError(reader, 5),
                });
            }
        }

        return record with { Timeline = timeline };
    }

    private static TaskRecord ReadTaskRow(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Type = reader.GetString(1),
        Queue = reader.GetString(2),
        Payload = reader.GetString(3),
        State = (TaskState)reader.GetInt64(4),
        Attempt = (int)reader.GetInt64(5),
        MaxAttempts = (int)reader.GetInt64(6),
        Timeout = reader.GetInt64OrNull(7) is { } timeoutMs ? TimeSpan.FromMilliseconds(timeoutMs) : null,
        CreatedAt = FromMs(reader.GetInt64(8)),
        DueAt = FromMs(reader.GetInt64OrNull(9)),
        FinishedAt = FromMs(reader.GetInt64OrNull(10)),
        IdempotencyKey = reader.GetStringOrNull(11),
        Result = reader.GetStringOrNull(12),
        LastError = ReadError(reader, 13),
        LeaseOwner = reader.GetStringOrNull(16),
        LeaseExpiresAt = FromMs(reader.GetInt64OrNull(17)),
        CancelRequested = reader.GetInt64(18) != 0,
        TraceParent = reader.GetStringOrNull(19),
        TraceState = reader.GetStringOrNull(20),
    };

    private static TaskError? ReadError(SqliteDataReader reader, int first) =>
        reader.IsDBNull(first) ? null : new TaskError(reader.GetString(first), reader.GetStringOrNull(first + 1) ?? string.Empty, reader.GetStringOrNull(first + 2));

    public async ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "TaskQuery.Limit must be 1 to 1000.");
        }

        if (query.Offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Offset, "TaskQuery.Offset must not be negative.");
        }

        return await ReadAsync("list tasks", query, static (_, session, query) => ListTasks(session, query), cancellationToken)
            .ConfigureAwait(false);
    }

    private static TaskPage ListTasks(SqliteSession session, TaskQuery query)
    {
        // One SQL text per filter combination (8 at most, each prepared once), so each can use its index.
        var filters = new List<string>(3);
        if (query.Queue is not null)
        {
            filters.Add("queue = $queue");
        }

        if (query.State is not null)
        {
            filters.Add("state = $state");
        }

        if (query.Type is not null)
        {
            filters.Add("type = $type");
        }

        var where = filters.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", filters);
        var count = Bind(session.Command("SELECT COUNT(*) FROM vigil_tasks" + where), query).ExecuteInt64() ?? 0;
        var tasks = new List<TaskRecord>();
        using (var reader = Bind(session.Command($"SELECT {TaskColumns} FROM vigil_tasks{where} ORDER BY seq DESC LIMIT $limit OFFSET $offset"), query)
            .Bind("$limit", (long)query.Limit)
            .Bind("$offset", (long)query.Offset)
            .ExecuteReader())
        {
            while (reader.Read())
            {
                tasks.Add(ReadTaskRow(reader));
            }
        }

        return new TaskPage(tasks, count);

        static SqliteCommand Bind(SqliteCommand command, TaskQuery query)
        {
            if (query.Queue is not null)
            {
                command.Bind("$queue", query.Queue);
            }

            if (query.State is { } state)
            {
                command.Bind("$state", (long)state);
            }

            if (query.Type is not null)
            {
                command.Bind("$type", query.Type);
            }

            return command;
        }
    }

    // ---- Cancel, retry, delete --------------------------------------------------------------------------------------------

    public async ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await WriteAsync("cancel a task", taskId, static (self, session, taskId) => self.CancelCore(session, taskId), cancellationToken)
            .ConfigureAwait(false);
    }

    private bool CancelCore(SqliteSession session, string taskId)
    {
        var cancelled = session.Command("""
            UPDATE vigil_tasks SET state = 6, finished_at = $now, available_at = NULL
            WHERE id = $id AND state IN (0, 1, 4)
            """).Bind("$now", NowMs()).Bind("$id", taskId).ExecuteNonQuery();
        if (cancelled > 0)
        {
            return true;
        }

        // A running task is stopped by its worker, which sees the request at its next lease renewal.
        return session.Command("UPDATE vigil_tasks SET cancel_requested = 1 WHERE id = $id AND state = 2")
            .Bind("$id", taskId).ExecuteNonQuery() > 0;
    }

    public async ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var queue = await WriteAsync(
            "retry a task",
            taskId,
            static (self, session, taskId) =>
                // A fresh budget: as many attempts as the task was enqueued with, after those it has had (numbers go on).
                session.Command("""
                    UPDATE vigil_tasks
                    SET state = 1, available_at = $now, due_at = NULL, finished_at = NULL, result = NULL, max_attempts = attempt + budget,
                        cancel_requested = 0, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = $id AND state IN (5, 6)
                    RETURNING queue
                    """).Bind("$now", self.NowMs()).Bind("$id", taskId).ExecuteScalar() as string,
            cancellationToken).ConfigureAwait(false);
        if (queue is null)
        {
            return false;
        }

        _hub.Signal(queue);
        return true;
    }

    public async ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return await WriteAsync(
            "delete a task",
            taskId,
            static (_, session, taskId) =>
            {
                if (session.Command("DELETE FROM vigil_tasks WHERE id = $id AND state <> 2").Bind("$id", taskId).ExecuteNonQuery() == 0)
                {
                    return false;
                }

                session.Command("DELETE FROM vigil_attempts WHERE task_id = $id").Bind("$id", taskId).ExecuteNonQuery();
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    // ---- Queues -----------------------------------------------------------------------------------------------------------

    public async ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken) =>
        await ReadAsync("summarize queues", 0, static (self, session, _) => self.ReadQueues(session), cancellationToken).ConfigureAwait(false);

    private List<QueueSummary> ReadQueues(SqliteSession session)
    {
        var now = NowMs();
        var queues = new SortedDictionary<string, QueueCounts>(StringComparer.Ordinal);
        QueueCounts Get(string name)
        {
            if (!queues.TryGetValue(name, out var counts))
            {
                counts = new QueueCounts();
                queues.Add(name, counts);
            }

            return counts;
        }

        using (var reader = session.Command("SELECT queue, state, COUNT(*) FROM vigil_tasks GROUP BY queue, state").ExecuteReader())
        {
            while (reader.Read())
            {
                var counts = Get(reader.GetString(0));
                switch (reader.GetInt64(1))
                {
                    case 2:
                        counts.Running += reader.GetInt64(2);
                        break;
                    case 5:
                        counts.Dead += reader.GetInt64(2);
                        break;
                }
            }
        }

        using (var reader = session.Command("""
            SELECT queue, SUM(available_at <= $now), SUM(available_at > $now), MIN(CASE WHEN available_at <= $now THEN available_at END)
            FROM vigil_tasks WHERE available_at IS NOT NULL AND state <> 2 GROUP BY queue
            """).Bind("$now", now).ExecuteReader())
        {
            while (reader.Read())
            {
                var counts = Get(reader.GetString(0));
                counts.Ready = reader.GetInt64(1);
                counts.Delayed = reader.GetInt64(2);
                counts.OldestReadySince = reader.GetInt64OrNull(3);
            }
        }

        var lastSucceeded = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var reader = session.Command("SELECT name, last_succeeded_at FROM vigil_queues").ExecuteReader())
        {
            while (reader.Read())
            {
                lastSucceeded[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        foreach (var worker in ReadWorkers(session))
        {
            foreach (var queue in worker.Queues)
            {
                Get(queue);
            }
        }

        var summaries = new List<QueueSummary>(queues.Count);
        foreach (var (name, counts) in queues)
        {
            summaries.Add(new QueueSummary
            {
                Name = name,
                Ready = counts.Ready,
                Delayed = counts.Delayed,
                Running = counts.Running,
                Dead = counts.Dead,
                OldestReadySince = FromMs(counts.OldestReadySince),
                LastSucceededAt = lastSucceeded.TryGetValue(name, out var at) ? FromMs(at) : null,
            });
        }

        return summaries;
    }

    private sealed class QueueCounts
    {
        public long Ready;
        public long Delayed;
        public long Running;
        public long Dead;
        public long? OldestReadySince;
    }

    // ---- Retention --------------------------------------------------------------------------------------------------------

    public async ValueTask<long> PurgeAsync(
        DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken) =>
        await WriteAsync(
            "purge expired data",
            (finishedBefore.ToUnixTimeMilliseconds(), deadBefore.ToUnixTimeMilliseconds(), statisticsBefore.ToUnixTimeMilliseconds()),
            static (self, session, cutoffs) => self.PurgeCore(session, cutoffs.Item1, cutoffs.Item2, cutoffs.Item3),
            cancellationToken).ConfigureAwait(false);

    private long PurgeCore(SqliteSession session, long finishedBefore, long deadBefore, long statisticsBefore)
    {
        long removed = 0;

        // By finish time first ("+state" keeps SQLite on the finished_at index instead of scanning a whole state).
        foreach (var (states, before) in new[] { ("3, 6", finishedBefore), ("5", deadBefore) })
        {
            var terminal = $"SELECT id FROM vigil_tasks WHERE finished_at < $before AND +state IN ({states})";
            session.Command($"DELETE FROM vigil_attempts WHERE task_id IN ({terminal})").Bind("$before", before).ExecuteNonQuery();
            removed += session.Command($"DELETE FROM vigil_tasks WHERE finished_at < $before AND +state IN ({states})").Bind("$before", before).ExecuteNonQuery();
        }

        session.Command("DELETE FROM vigil_stats WHERE minute < $before").Bind("$before", statisticsBefore).ExecuteNonQuery();
        session.Command("DELETE FROM vigil_events WHERE at < $before").Bind("$before", statisticsBefore).ExecuteNonQuery();
        session.Command("DELETE FROM vigil_workers WHERE heartbeat_at < $before").Bind("$before", statisticsBefore).ExecuteNonQuery();
        session.Command("DELETE FROM vigil_queues WHERE last_succeeded_at < $before").Bind("$before", statisticsBefore).ExecuteNonQuery();
        session.Command("DELETE FROM vigil_locks WHERE expires_at <= $now").Bind("$now", NowMs()).ExecuteNonQuery();
        return removed;
    }

    private static List<Workers.WorkerHeartbeat> ReadWorkers(SqliteSession session)
    {
        var workers = new List<Workers.WorkerHeartbeat>();
        using var reader = session.Command("SELECT record FROM vigil_workers ORDER BY worker_id").ExecuteReader();
        while (reader.Read())
        {
            try
            {
                if (JsonSerializer.Deserialize(reader.GetString(0), SqliteJsonContext.Default.WorkerHeartbeat) is { } heartbeat)
                {
                    workers.Add(heartbeat);
                }
            }
            catch (JsonException)
            {
                // A record this version cannot read (written by a much newer one): skipped, not fatal for the whole list.
            }
        }

        return workers;
    }
}
