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

        var (completed, readyQueue) = await WriteAsync(
            "complete a task", completion, static (self, session, completion) => self.CompleteCore(session, completion), cancellationToken)
            .ConfigureAwait(false);
        if (readyQueue is not null)
        {
            _hub.Signal(readyQueue);
        }

        return completed;
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
