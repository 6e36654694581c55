using Microsoft.Data.Sqlite;
using Vigil.Sqlite.Connections;
using Vigil.Sqlite.Schema;
using Vigil.Storage;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    private const string InsertTaskSql = """
        INSERT INTO vigil_tasks (id, type, queue, payload, state, max_attempts, budget, timeout_ms, created_at, due_at, available_at, idempotency_key, trace_parent, trace_state)
        VALUES ($id, $type, $queue, $payload, $state, $maxAttempts, $maxAttempts, $timeoutMs, $now, $dueAt, $availableAt, $key, $traceParent, $traceState)
        """;

    private const string ClaimableSql = """
        SELECT seq, id, type, payload, state, attempt, max_attempts, timeout_ms, created_at, available_at, trace_parent, trace_state
        FROM vigil_tasks
        WHERE queue = $queue AND available_at <= $now
        ORDER BY available_at, seq
        LIMIT $limit
        """;

    private const string AnyClaimableSql = "SELECT 1 FROM vigil_tasks WHERE queue = $queue AND available_at <= $now LIMIT 1";

    private volatile bool _lastClaimFoundWork;

    // ---- Enqueue ----------------------------------------------------------------------------------------------------------

    public async ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return [];
        }

        foreach (var task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task, nameof(tasks));
        }

        // Acknowledged only once committed: the caller gets ids only for tasks that are stored.
        var results = await WriteAsync("enqueue tasks", tasks, static (self, session, tasks) => self.EnqueueCore(session, tasks), cancellationToken)
            .ConfigureAwait(false);

        for (var i = 0; i < results.Length; i++)
        {
            if (!results[i].Deduplicated)
            {
                _hub.Signal(tasks[i].Queue);
            }
        }

        return results;
    }

    private EnqueueResult[] EnqueueCore(SqliteSession session, IReadOnlyList<NewTask> tasks)
    {
        var now = NowMs();
        var results = new EnqueueResult[tasks.Count];
        var counts = new Dictionary<(string Queue, string Type), long>();
        var findKey = session.Command("SELECT id FROM vigil_tasks WHERE idempotency_key = $key AND state IN (0, 1, 2, 4) LIMIT 1");
        var insert = session.Command(InsertTaskSql);
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.IdempotencyKey is not null && findKey.Bind("$key", task.IdempotencyKey).ExecuteScalar() is string existing)
            {
                results[i] = new EnqueueResult(existing, Deduplicated: true);
                continue;
            }

            var dueAt = task.DueAt?.ToUnixTimeMilliseconds();
            var scheduled = dueAt > now;
            try
            {
                insert.Bind("$id", task.Id)
                    .Bind("$type", task.Type)
                    .Bind("$queue", task.Queue)
                    .Bind("$payload", task.Payload)
                    .Bind("$state", scheduled ? SqliteSchema.Scheduled : SqliteSchema.Queued)
                    .Bind("$maxAttempts", (long)task.MaxAttempts)
                    .Bind("$timeoutMs", task.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : null)
                    .Bind("$now", now)
                    .Bind("$dueAt", dueAt)
                    .Bind("$availableAt", scheduled ? dueAt : now)
                    .Bind("$key", task.IdempotencyKey)
                    .Bind("$traceParent", task.TraceParent)
                    .Bind("$traceState", task.TraceState)
                    .ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
            {
                throw new InvalidOperationException($"A task with id '{task.Id}' is stored already: every enqueued task needs a new id.", ex);
            }

            results[i] = new EnqueueResult(task.Id, Deduplicated: false);
            counts[(task.Queue, task.Type)] = counts.GetValueOrDefault((task.Queue, task.Type)) + 1;
        }

        // Counted in the same transaction as the tasks they count.
        foreach (var ((queue, type), count) in counts)
        {
            AddStatistics(session, now, queue, type, new StatisticsDelta { Enqueued = count });
        }

        return results;
    }

    // ---- Claim ------------------------------------------------------------------------------------------------------------

    public async ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.WorkerId, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Queues, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.LeaseDuration, TimeSpan.Zero, nameof(request));
        if (request.MaxCount <= 0 || request.Queues.Count == 0)
        {
            return [];
        }

        // A cheap read first when the last claim found nothing: an idle worker's poll must not take the file's write
        // lock from busy processes. A busy worker (its last claim found work) goes straight to the claim.
        if (!_lastClaimFoundWork)
        {
            var anyReady = await ReadAsync(
                "look for claimable tasks", request.Queues, static (self, session, queues) => self.AnyClaimable(session, queues), cancellationToken)
                .ConfigureAwait(false);
            if (!anyReady)
            {
                return [];
            }
        }

        var claimed = await WriteAsync("claim tasks", request, static (self, session, request) => self.ClaimCore(session, request), cancellationToken)
            .ConfigureAwait(false);
        _lastClaimFoundWork = claimed.Count > 0;
        return claimed;
    }

    private bool AnyClaimable(SqliteSession session, IReadOnlyList<string> queues)
    {
        var now = NowMs();
        var command = session.Command(AnyClaimableSql);
        foreach (var queue in queues)
        {
            if (command.Bind("$queue", queue).Bind("$now", now).ExecuteScalar() is not null)
            {
                return true;
            }
        }

        return false;
    }

    private List<ClaimedTask> ClaimCore(SqliteSession session, ClaimRequest request)
    {
        var now = NowMs();
        var leaseExpiresAt = now + (long)request.LeaseDuration.TotalMilliseconds;
        var claimed = new List<ClaimedTask>(Math.Min(request.MaxCount, 256));
        var waits = new Dictionary<(string Queue, string Type), StatisticsDelta>();
        var select = session.Command(ClaimableSql);
        var closeAttempt = session.Command(
            "UPDATE vigil_attempts SET ended_at = $now, outcome = 'lease-expired' WHERE task_id = $id AND number = $number AND ended_at IS NULL");
        var take = session.Command(
            "UPDATE vigil_tasks SET state = 2, attempt = $attempt, lease_owner = $worker, lease_expires_at = $expires, available_at = $expires WHERE seq = $seq");
        var openAttempt = session.Command(
            "INSERT INTO vigil_attempts (task_id, number, worker_id, started_at) VALUES ($id, $number, $worker, $now)");
        var seenQueues = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<Candidate>();

        // Queues in priority order: a later queue only gets the slots the earlier ones left.
        foreach (var queue in request.Queues)
        {
            var remaining = request.MaxCount - claimed.Count;
            if (remaining <= 0)
            {
                break;
            }

            if (!seenQueues.Add(queue))
            {
                continue;
            }

            candidates.Clear();
            using (var reader = select.Bind("$queue", queue).Bind("$now", now).Bind("$limit", (long)remaining).ExecuteReader())
            {
                while (reader.Read())
                {
                    candidates.Add(new Candidate(
                        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                        (int)reader.GetInt64(5), (int)reader.GetInt64(6), reader.GetInt64OrNull(7), reader.GetInt64(8), reader.GetInt64(9),
                        reader.GetStringOrNull(10), reader.GetStringOrNull(11)));
                }
            }

            foreach (var candidate in candidates)
            {
                // A running task is claimable only once its lease expired: its worker vanished, the attempt is over.
                var takenOver = candidate.State == SqliteSchema.Running;
                if (takenOver)
                {
                    closeAttempt.Bind("$now", now).Bind("$id", candidate.Id).Bind("$number", (long)candidate.Attempt).ExecuteNonQuery();
                }

                var attempt = candidate.Attempt + 1;
                take.Bind("$attempt", (long)attempt)
                    .Bind("$worker", request.WorkerId)
                    .Bind("$expires", leaseExpiresAt)
                    .Bind("$seq", candidate.Seq)
                    .ExecuteNonQuery();
                openAttempt.Bind("$id", candidate.Id).Bind("$number", (long)attempt).Bind("$worker", request.WorkerId).Bind("$now", now)
                    .ExecuteNonQuery();

                var waitMs = Math.Max(0, now - candidate.AvailableAt);
                var key = (queue, candidate.Type);
                var delta = waits.GetValueOrDefault(key);
                delta.WaitCount++;
                delta.WaitTicks += waitMs * TimeSpan.TicksPerMillisecond;
                delta.WaitMaxTicks = Math.Max(delta.WaitMaxTicks, waitMs * TimeSpan.TicksPerMillisecond);
                waits[key] = delta;

                claimed.Add(new ClaimedTask
                {
                    Id = candidate.Id,
                    Type = candidate.Type,
                    Queue = queue,
                    Payload = candidate.Payload,
                    Attempt = attempt,
                    MaxAttempts = candidate.MaxAttempts,
                    Timeout = candidate.TimeoutMs is { } timeoutMs ? TimeSpan.FromMilliseconds(timeoutMs) : null,
                    CreatedAt = FromMs(candidate.CreatedAt),
                    WaitTime = TimeSpan.FromMilliseconds(waitMs),
                    LeaseExpiresAt = FromMs(leaseExpiresAt),
                    TakenOver = takenOver,
                    TraceParent = candidate.TraceParent,
                    TraceState = candidate.TraceState,
                });
            }
        }

        foreach (var ((queue, type), delta) in waits)
        {
            AddStatistics(session, now, queue, type, delta);
        }

        return claimed;
    }

    private readonly record struct Candidate(
        long Seq, string Id, string Type, string Payload, long State, int Attempt, int MaxAttempts, long? TimeoutMs, long CreatedAt,
        long AvailableAt, string? TraceParent, string? TraceState);

    // ---- Leases -----------------------------------------------------------------------------------------------------------

    public async ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(
        string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(taskIds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        if (taskIds.Count == 0)
        {
            return [];
        }

        return await WriteAsync(
            "renew leases",
            (workerId, taskIds, leaseDuration),
            static (self, session, state) => self.RenewCore(session, state.workerId, state.taskIds, state.leaseDuration),
            cancellationToken).ConfigureAwait(false);
    }

    private LeaseRenewal[] RenewCore(SqliteSession session, string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration)
    {
        var expires = NowMs() + (long)leaseDuration.TotalMilliseconds;
        var renew = session.Command("""
            UPDATE vigil_tasks SET lease_expires_at = $expires, available_at = $expires
            WHERE id = $id AND state = 2 AND lease_owner = $worker
            RETURNING cancel_requested
            """);
        var renewals = new LeaseRenewal[taskIds.Count];
        for (var i = 0; i < taskIds.Count; i++)
        {
            var cancelRequested = renew.Bind("$expires", expires).Bind("$id", taskIds[i]).Bind("$worker", workerId).ExecuteInt64();
            renewals[i] = new LeaseRenewal(taskIds[i], Held: cancelRequested is not null, CancelRequested: cancelRequested is 1);
        }

        return renewals;
    }
}
