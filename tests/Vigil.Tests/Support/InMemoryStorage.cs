using Vigil.Realtime;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Tests.Support;

/// <summary>
/// A small in-memory <see cref="IVigilStorage"/> with a fault switch, for the tests that need the storage to fail on demand
/// (the real engines are tested by the conformance suite; the worker's own behaviour is tested against SQLite too).
/// </summary>
internal sealed class InMemoryStorage : IVigilStorage
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkerHeartbeat> _workers = new(StringComparer.Ordinal);
    private readonly List<string> _stoppedClaiming = [];
    private readonly List<VigilEvent> _events = [];
    private readonly TimeProvider _time;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    public InMemoryStorage(TimeProvider time) => _time = time;

    /// <summary>When set, every call throws it (a storage outage).</summary>
    public Exception? FailWith { get; set; }

    public int ClaimCalls;
    public int FailedCalls;

    public string EngineName => "memory";

    public string Location => "memory";

    public IReadOnlyList<VigilEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => Guard(() => Task.CompletedTask);

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken) => Guard(() =>
    {
        var results = new List<EnqueueResult>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var t in tasks)
            {
                var existing = t.IdempotencyKey is null ? null : _tasks.Values.FirstOrDefault(e => e.Record.IdempotencyKey == t.IdempotencyKey && !e.Record.State.IsTerminal());
                if (existing is not null)
                {
                    results.Add(new EnqueueResult(existing.Record.Id, true));
                    continue;
                }

                var scheduled = t.DueAt is { } due && due > now;
                _tasks[t.Id] = new Entry(++_sequence, new TaskRecord
                {
                    Id = t.Id, Type = t.Type, Queue = t.Queue, Payload = t.Payload, MaxAttempts = t.MaxAttempts, Timeout = t.Timeout,
                    CreatedAt = now, DueAt = t.DueAt ?? now, IdempotencyKey = t.IdempotencyKey, TraceParent = t.TraceParent,
                    TraceState = t.TraceState, State = scheduled ? TaskState.Scheduled : TaskState.Queued,
                });
                results.Add(new EnqueueResult(t.Id, false));
            }
        }

        Wake();
        return new ValueTask<IReadOnlyList<EnqueueResult>>(results);
    });

    public ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => Guard(() =>
    {
        Interlocked.Increment(ref ClaimCalls);
        var claimed = new List<ClaimedTask>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var queue in request.Queues)
            {
                var ready = _tasks.Values.Where(e => e.Record.Queue == queue && IsReady(e.Record, now)).OrderBy(e => e.Record.DueAt).ThenBy(e => e.Sequence).ToList();
                foreach (var e in ready)
                {
                    if (claimed.Count >= request.MaxCount)
                    {
                        break;
                    }

                    var takenOver = e.Record.State == TaskState.Running;
                    var r = e.Record with
                    {
                        State = TaskState.Running, Attempt = e.Record.Attempt + 1, LeaseOwner = request.WorkerId,
                        LeaseExpiresAt = now + request.LeaseDuration, CancelRequested = false,
                        Timeline = [.. e.Record.Timeline.Select(a => a.EndedAt is null ? a with { EndedAt = now, Outcome = "lease-expired" } : a),
                            new TaskAttempt { Number = e.Record.Attempt + 1, WorkerId = request.WorkerId, StartedAt = now }],
                    };
                    e.Record = r;
                    claimed.Add(new ClaimedTask
                    {
                        Id = r.Id, Type = r.Type, Queue = r.Queue, Payload = r.Payload, Attempt = r.Attempt, MaxAttempts = r.MaxAttempts,
                        Timeout = r.Timeout, CreatedAt = r.CreatedAt, WaitTime = now - (r.DueAt ?? r.CreatedAt), LeaseExpiresAt = now + request.LeaseDuration,
                        TakenOver = takenOver, TraceParent = r.TraceParent, TraceState = r.TraceState,
                    });
                }
            }
        }

        return new ValueTask<IReadOnlyList<ClaimedTask>>(claimed);
    });

    public ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken) => Guard(() =>
    {
        var answers = new List<LeaseRenewal>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var id in taskIds)
            {
                if (_tasks.TryGetValue(id, out var e) && e.Record.State == TaskState.Running && e.Record.LeaseOwner == workerId)
                {
                    e.Record = e.Record with { LeaseExpiresAt = now + leaseDuration };
                    answers.Add(new LeaseRenewal(id, true, e.Record.CancelRequested));
                }
                else
                {
                    answers.Add(new LeaseRenewal(id, false, false));
                }
            }
        }

        return new ValueTask<IReadOnlyList<LeaseRenewal>>(answers);
    });

    public ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (!_tasks.TryGetValue(completion.TaskId, out var e) || e.Record.State != TaskState.Running || e.Record.LeaseOwner != completion.WorkerId || e.Record.Attempt != completion.Attempt)
            {
                return new ValueTask<bool>(false);
            }

            var (state, outcome) = completion.Outcome switch
            {
                CompletionOutcome.Succeeded => (TaskState.Succeeded, "succeeded"),
                CompletionOutcome.Retry => (TaskState.Retrying, completion.TimedOut ? "timed-out" : "failed"),
                CompletionOutcome.Dead => (TaskState.Dead, "dead"),
                CompletionOutcome.Cancelled => (TaskState.Cancelled, "cancelled"),
                _ => (TaskState.Queued, "released"),
            };
            e.Record = e.Record with
            {
                State = state,
                Attempt = completion.Outcome == CompletionOutcome.Released ? e.Record.Attempt - 1 : e.Record.Attempt,
                LeaseOwner = null, LeaseExpiresAt = null,
                DueAt = completion.Outcome == CompletionOutcome.Retry ? completion.RetryAt : completion.Outcome == CompletionOutcome.Released ? now : e.Record.DueAt,
                FinishedAt = state.IsTerminal() ? now : null,
                Result = completion.Result,
                LastError = completion.Error ?? e.Record.LastError,
                Timeline = [.. e.Record.Timeline.Select(a => a.EndedAt is null ? a with { EndedAt = now, Outcome = outcome, Error = completion.Error } : a)],
            };
        }

        Wake();
        return new ValueTask<bool>(true);
    });

    public async ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Task wake;
        lock (_gate)
        {
            wake = _wake.Task;
        }

        try
        {
            await wake.WaitAsync(maxWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    public ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            return new ValueTask<TaskRecord?>(_tasks.TryGetValue(taskId, out var e) ? e.Record : null);
        }
    });

    public ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            var all = _tasks.Values.OrderByDescending(e => e.Sequence).Select(e => e.Record)
                .Where(r => (query.Queue is null || r.Queue == query.Queue) && (query.State is null || r.State == query.State) && (query.Type is null || r.Type == query.Type)).ToList();
            return new ValueTask<TaskPage>(new TaskPage([.. all.Skip(query.Offset).Take(query.Limit)], all.Count));
        }
    });

    public ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var e) || e.Record.State.IsTerminal())
            {
                return new ValueTask<bool>(false);
            }

            e.Record = e.Record.State == TaskState.Running
                ? e.Record with { CancelRequested = true }
                : e.Record with { State = TaskState.Cancelled, FinishedAt = _time.GetUtcNow() };
            return new ValueTask<bool>(true);
        }
    });

    public ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var e) || e.Record.State is not (TaskState.Dead or TaskState.Cancelled))
            {
                return new ValueTask<bool>(false);
            }

            e.Record = e.Record with { State = TaskState.Queued, Attempt = 0, DueAt = _time.GetUtcNow(), FinishedAt = null };
            Wake();
            return new ValueTask<bool>(true);
        }
    });

    public ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            return new ValueTask<bool>(_tasks.TryGetValue(taskId, out var e) && e.Record.State != TaskState.Running && _tasks.Remove(taskId));
        }
    });

    public ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken) =>
        Guard(() => new ValueTask<IReadOnlyList<QueueSummary>>([]));

    public ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken) =>
        Guard(() => new ValueTask<IReadOnlyList<StatisticsBucket>>([]));

    public ValueTask<long> PurgeAsync(DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken) =>
        Guard(() => new ValueTask<long>(0));

    public ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            _workers[heartbeat.WorkerId] = heartbeat;
        }

        return ValueTask.CompletedTask;
    });

    public ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            return new ValueTask<IReadOnlyList<WorkerHeartbeat>>([.. _workers.Values.OrderBy(w => w.WorkerId, StringComparer.Ordinal)]);
        }
    });

    /// <summary>The workers that said they claim nothing more, in order (see <see cref="IVigilStorage.StopClaimingAsync"/>).</summary>
    public IReadOnlyList<string> StoppedClaiming
    {
        get
        {
            lock (_gate)
            {
                return [.. _stoppedClaiming];
            }
        }
    }

    public ValueTask StopClaimingAsync(string workerId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            _stoppedClaiming.Add(workerId);
        }

        return ValueTask.CompletedTask;
    });

    public ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            _workers.Remove(workerId);
        }

        return ValueTask.CompletedTask;
    });

    public ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken) => Guard(() => new ValueTask<bool>(true));

    public ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken) => Guard(() => ValueTask.CompletedTask);

    public ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken) => Guard(() => new ValueTask<TimeSpan>(TimeSpan.Zero));

    public Task ResetConnectionAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            _events.Add(vigilEvent);
        }

        return ValueTask.CompletedTask;
    });

    public ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken) => Guard(() =>
    {
        lock (_gate)
        {
            var from = afterCursor is null ? _events.Count : int.Parse(afterCursor, System.Globalization.CultureInfo.InvariantCulture);
            var batch = _events.Skip(from).Take(maxCount).ToList();
            return new ValueTask<EventBatch>(new EventBatch(batch, (from + batch.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    });

    private static bool IsReady(TaskRecord r, DateTimeOffset now) => r.State switch
    {
        TaskState.Queued => true,
        TaskState.Scheduled or TaskState.Retrying => r.DueAt <= now,
        TaskState.Running => r.LeaseExpiresAt <= now,
        _ => false,
    };

    private void Wake()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private T Guard<T>(Func<T> call)
    {
        if (FailWith is { } failure)
        {
            Interlocked.Increment(ref FailedCalls);
            throw failure;
        }

        return call();
    }

    private sealed class Entry(long sequence, TaskRecord record)
    {
        public long Sequence { get; } = sequence;

        public TaskRecord Record { get; set; } = record;
    }
}
