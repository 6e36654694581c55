using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Processing;

/// <content>The executor's log messages (event ids 2100–2199).</content>
internal sealed partial class TaskExecutor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Task {TaskId} succeeded on attempt {Attempt} in {RunTime}")]
        public static partial void Succeeded(ILogger logger, string taskId, int attempt, TimeSpan runTime);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Task {TaskId} failed on attempt {Attempt} of {MaxAttempts}")]
        public static partial void HandlerFailed(ILogger logger, string taskId, int attempt, int maxAttempts, Exception exception);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Task {TaskId} will retry after attempt {Attempt} of {MaxAttempts}, at {RetryAt} ({ErrorType})")]
        public static partial void Retrying(ILogger logger, string taskId, int attempt, int maxAttempts, DateTimeOffset? retryAt, string? errorType);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Task {TaskId} is dead after attempt {Attempt} ({ErrorType}): {ErrorMessage}")]
        public static partial void Dead(ILogger logger, string taskId, int attempt, string? errorType, string? errorMessage);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} timed out after {Timeout}")]
        public static partial void TimedOut(ILogger logger, string taskId, int attempt, TimeSpan timeout);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} was cancelled on request")]
        public static partial void Cancelled(ILogger logger, string taskId, int attempt);

        [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} was released back to its queue at shutdown")]
        public static partial void Released(ILogger logger, string taskId, int attempt);

        [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} lost its lease: another worker took it over; its outcome is discarded")]
        public static partial void LeaseLost(ILogger logger, string taskId, int attempt);

        [LoggerMessage(EventId = 2109, Level = LogLevel.Error, Message = "Task {TaskId} attempt {Attempt}: the handler ignored its cancellation for {GracePeriod} and was abandoned; the worker will recycle")]
        public static partial void Abandoned(ILogger logger, string taskId, int attempt, TimeSpan gracePeriod);

        [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Could not store outcome {Outcome} of task {TaskId} (try {Try}); trying again")]
        public static partial void CompleteRetrying(ILogger logger, string taskId, CompletionOutcome outcome, int @try, Exception exception);

        [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "Could not store outcome {Outcome} of task {TaskId} after {Tries} tries; its lease will expire and another worker will run it again")]
        public static partial void CompleteGaveUp(ILogger logger, string taskId, CompletionOutcome outcome, int tries, Exception exception);

        [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "Outcome {Outcome} of task {TaskId} attempt {Attempt} was refused: the lease is no longer this worker's")]
        public static partial void CompletionRejected(ILogger logger, string taskId, int attempt, CompletionOutcome outcome);

        [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Task {TaskId} was taken over from a vanished worker for attempt {Attempt}")]
        public static partial void TakenOver(ILogger logger, string taskId, int attempt);

        [LoggerMessage(EventId = 2114, Level = LogLevel.Debug, Message = "Could not publish the task.state event of task {TaskId}")]
        public static partial void StateEventFailed(ILogger logger, string taskId, Exception exception);

        [LoggerMessage(EventId = 2115, Level = LogLevel.Error, Message = "Could not end abandoned attempt of task {TaskId}; its lease will expire and another worker will take it over")]
        public static partial void AbandonFailed(ILogger logger, string taskId, Exception exception);

        [LoggerMessage(EventId = 2116, Level = LogLevel.Debug, Message = "Task {TaskId} attempt {Attempt} is given back to its queue unrun: {Reason}")]
        public static partial void ReleasedUnrun(ILogger logger, string taskId, int attempt, string reason);
    }
}
