using Vigil.Sqlite.Connections;
using Vigil.Sqlite.Schema;
using Vigil.Storage;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    // ---- Completion -------------------------------------------------------------------------------------------------------

    public async ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentException.ThrowIfNullOrEmpty(completion.TaskId, nameof(completion));
        ArgumentException.ThrowIfNullOrEmpty(completion.WorkerId, nameof(completion));
        if (!Enum.IsDefined(completion.Outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome, "Unknown completion outcome.");
        }

        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // Group commit: completions that arrive while another write runs are stored together in one transaction by
        // whichever caller gets the write gate first (each still checked and applied on its own). One commit per batch
        // instead of one per task is what lets a worker drain thousands of tasks per second.
        var pending = new PendingCompletion(completion);
        _completions.Enqueue(pending);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.CommandTimeout);
            try
            {
                await _hub.WriteGate.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (pending.TryAbandon())
            {
                // Nobody took it: nothing was stored for this call.
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw TimedOut("complete a task", ex);
            }
            catch (OperationCanceledException)
            {
                // Another caller is storing it right now: its outcome is this call's outcome.
                return await FinishAsync(pending).ConfigureAwait(false);
            }

            try
            {
                while (!pending.Result.Task.IsCompleted)
                {
                    FlushCompletions();
                }
            }
            finally
            {
                _hub.WriteGate.Release();
            }
        }

        return await FinishAsync(pending).ConfigureAwait(false);

        async ValueTask<bool> FinishAsync(PendingCompletion pending)
        {
            var (completed, readyQueue) = await pending.Result.Task.ConfigureAwait(false);
            if (readyQueue is not null)
            {
                _hub.Signal(readyQueue);
            }

            return completed;
        }
    }

    /// <summary>Stores the queued completions in one transaction; the caller holds the write gate.</summary>
    private void FlushCompletions()
    {
        var batch = new List<PendingCompletion>();
        while (batch.Count < 1024 && _completions.TryDequeue(out var pending))
        {
            if (pending.TryTake())
            {
                batch.Add(pending);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            // The batch's own timeout, not the flushing caller's token: one caller's cancellation must not fail the others.
            using var timeout = new CancellationTokenSource(_options.CommandTimeout);
            var results = Run(
                batch.Count == 1 ? "complete a task" : "complete tasks",
                write: true,
                batch,
                static (self, session, batch) =>
                {
                    var results = new (bool, string?)[batch.Count];
                    for (var i = 0; i < batch.Count; i++)
                    {
                        results[i] = self.CompleteCore(session, batch[i].Completion);
                    }

                    return results;
                },
                timeout.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            // The transaction rolled back: nothing of the batch was stored, and every caller in it gets the error.
            var error = ex is OperationCanceledException ? TimedOut("complete tasks", ex) : ex;
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(error);
            }
        }
    }

    /// <summary>A completion waiting for a group commit.</summary>
    private sealed class PendingCompletion(TaskCompletion completion)
    {
        private const int Waiting = 0, Taken = 1, Abandoned = 2;
        private int _state;

        public TaskCompletion Completion { get; } = completion;

        public TaskCompletionSource<(bool Completed, string? ReadyQueue)> Result { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Claims it for a batch; false if its caller gave up.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        /// <summary>Withdraws it (its caller was cancelled); false if a batch took it already.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;
    }

    private (bool Completed, string? ReadyQueue) CompleteCore(SqliteSession session, TaskCompletion completion)
    {
        var now = NowMs();
        long seq, state, attempt, maxAttempts;
        long? dueAt;
        string queue, type;
        string? leaseOwner, errorType, errorMessage, errorStack;
        using (var reader = session.Command("""
            SELECT seq, queue, type, state, attempt, lease_owner, max_attempts, due_at, error_type, error_message, error_stack
            FROM vigil_tasks WHERE id = $id
            """).Bind("$id", completion.TaskId).ExecuteReader())
        {
            if (!reader.Read())
            {
                return (false, null);
            }

            (seq, queue, type, state, attempt, leaseOwner, maxAttempts) = (
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetStringOrNull(5),
                reader.GetInt64(6));
            (dueAt, errorType, errorMessage, errorStack) = (reader.GetInt64OrNull(7), reader.GetStringOrNull(8), reader.GetStringOrNull(9), reader.GetStringOrNull(10));
        }

        // Fencing: only the lease holder of this very attempt may end it; a worker whose task was taken over cannot
        // overwrite the new owner's work.
        if (state != SqliteSchema.Running || leaseOwner != completion.WorkerId || attempt != completion.Attempt)
        {
            return (false, null);
        }

        var runTicks = Math.Max(0, completion.RunTime.Ticks);
        var ran = new StatisticsDelta { RunCount = 1, RunTicks = runTicks, RunMaxTicks = runTicks };
        long newState;
        long? availableAt = null, finishedAt = null;
        string? result = null, attemptOutcome;
        var attemptError = completion.Error;
        StatisticsDelta delta;
        string? readyQueue = null;
        switch (completion.Outcome)
        {
            case CompletionOutcome.Succeeded:
                newState = SqliteSchema.Succeeded;
                finishedAt = now;
                result = completion.Result;
                (errorType, errorMessage, errorStack) = (null, null, null);
                attemptOutcome = "succeeded";
                attemptError = null;
                delta = ran with { Succeeded = 1 };
                break;
            case CompletionOutcome.Retry:
                newState = SqliteSchema.Retrying;
                dueAt = completion.RetryAt?.ToUnixTimeMilliseconds() ?? now;
                availableAt = dueAt;
                (errorType, errorMessage, errorStack) = Split(completion.Error, errorType, errorMessage, errorStack);
                attemptOutcome = completion.TimedOut ? "timed-out" : "failed";
                delta = ran with { Failed = 1, Retried = 1, TimedOut = completion.TimedOut ? 1 : 0 };
                readyQueue = dueAt <= now ? queue : null;
                break;
            case CompletionOutcome.Dead:
                newState = SqliteSchema.Dead;
                finishedAt = now;
                (errorType, errorMessage, errorStack) = Split(completion.Error, errorType, errorMessage, errorStack);
                attemptOutcome = "dead";
                delta = ran with { Failed = 1, Dead = 1, TimedOut = completion.TimedOut ? 1 : 0 };
                break;
            case CompletionOutcome.Cancelled:
                newState = SqliteSchema.Cancelled;
                finishedAt = now;
                attemptOutcome = "cancelled";
                attemptError = null;
                delta = ran;
                break;
            default:
                // Released at shutdown: queued again, and the attempt given back to the budget (MaxAttempts grows by one,
                // so attempt numbers stay unique in the timeline and keep growing as fencing tokens).
                newState = SqliteSchema.Queued;
                availableAt = now;
                maxAttempts++;
                attemptOutcome = "released";
                attemptError = null;
                delta = default;
                readyQueue = queue;
                break;
        }

        session.Command("""
            UPDATE vigil_tasks
            SET state = $state, available_at = $availableAt, due_at = $dueAt, finished_at = $finishedAt, result = $result,
                error_type = $errorType, error_message = $errorMessage, error_stack = $errorStack, max_attempts = $maxAttempts,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE seq = $seq
            """)
            .Bind("$state", newState)
            .Bind("$availableAt", availableAt)
            .Bind("$dueAt", dueAt)
            .Bind("$finishedAt", finishedAt)
            .Bind("$result", result)
            .Bind("$errorType", errorType)
            .Bind("$errorMessage", errorMessage)
            .Bind("$errorStack", errorStack)
            .Bind("$maxAttempts", maxAttempts)
            .Bind("$seq", seq)
            .ExecuteNonQuery();

        session.Command("""
            UPDATE vigil_attempts
            SET ended_at = $now, outcome = $outcome, error_type = $errorType, error_message = $errorMessage, error_stack = $errorStack
            WHERE task_id = $id AND number = $number
            """)
            .Bind("$now", now)
            .Bind("$outcome", attemptOutcome)
            .Bind("$errorType", attemptError?.Type)
            .Bind("$errorMessage", attemptError?.Message)
            .Bind("$errorStack", attemptError?.StackTrace)
            .Bind("$id", completion.TaskId)
            .Bind("$number", attempt)
            .ExecuteNonQuery();

        // Counted in the same transaction as the state change they count.
        if (!delta.IsEmpty)
        {
            AddStatistics(session, now, queue, type, delta);
        }

        if (newState == SqliteSchema.Succeeded)
        {
            session.Command("""
                INSERT INTO vigil_queues (name, last_succeeded_at) VALUES ($queue, $now)
                ON CONFLICT (name) DO UPDATE SET last_succeeded_at = max(last_succeeded_at, excluded.last_succeeded_at)
                """).Bind("$queue", queue).Bind("$now", now).ExecuteNonQuery();
        }

        return (true, readyQueue);

        static (string?, string?, string?) Split(Tasks.TaskError? error, string? type, string? message, string? stack) =>
            error is null ? (type, message, stack) : (error.Type, error.Message, error.StackTrace);
    }
}
