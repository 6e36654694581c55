using Microsoft.Extensions.Logging;

namespace Vigil.Redis.Connection;

/// <summary>Log messages of the Redis connection, its watchdog and its pub/sub deliveries (event ids 3100-3199).</summary>
internal static partial class Log
{
    [LoggerMessage(3100, LogLevel.Information, "Redis storage connected to {Location} (key prefix '{KeyPrefix}', operation timeout {OperationTimeout}, watchdog every {PingInterval}, rebuild after {Failures} failed pings)")]
    public static partial void Connected(ILogger logger, string location, string keyPrefix, TimeSpan operationTimeout, TimeSpan pingInterval, int failures);

    [LoggerMessage(3101, LogLevel.Warning, "Redis at {Location} is unavailable ({Operation} failed): {Reason}. Further failures are not logged until it recovers")]
    public static partial void IncidentStarted(ILogger logger, string location, string operation, string reason);

    [LoggerMessage(3102, LogLevel.Information, "Redis at {Location} answers again after {Duration}")]
    public static partial void IncidentEnded(ILogger logger, string location, TimeSpan duration);

    [LoggerMessage(3103, LogLevel.Warning, "Redis at {Location} did not answer {Failures} pings in a row: dropping the connection and building a new one")]
    public static partial void Rebuilding(ILogger logger, string location, int failures);

    [LoggerMessage(3104, LogLevel.Information, "Redis connection to {Location} rebuilt")]
    public static partial void Rebuilt(ILogger logger, string location);

    [LoggerMessage(3105, LogLevel.Debug, "Rebuilding the Redis connection to {Location} failed: {Reason}")]
    public static partial void RebuildFailed(ILogger logger, string location, string reason);

    [LoggerMessage(3106, LogLevel.Debug, "Redis watchdog ping to {Location} failed ({Failures} in a row): {Reason}")]
    public static partial void PingFailed(ILogger logger, string location, int failures, string reason);

    [LoggerMessage(3107, LogLevel.Warning, "Subscribing to the Redis wake-up channel failed; workers fall back to polling: {Reason}")]
    public static partial void SubscribeFailed(ILogger logger, string reason);

    [LoggerMessage(3108, LogLevel.Information, "Redis connection reset on request")]
    public static partial void ResetRequested(ILogger logger);

    [LoggerMessage(3109, LogLevel.Warning, "A message on the Redis hand-off channel {Channel} could not be read (another Vigil version sharing the key prefix?); its task is taken over when its hand-off lease expires")]
    public static partial void HandOffUnreadable(ILogger logger, string channel);

    [LoggerMessage(3110, LogLevel.Debug, "Task {TaskId} handed to worker {WorkerId} was taken over before the worker took it; the worker's lease renewal stops its run")]
    public static partial void HandOffLeaseLost(ILogger logger, string taskId, string workerId);

    [LoggerMessage(3111, LogLevel.Warning, "Lengthening the lease of a task handed to worker {WorkerId} failed (try {Attempt}): {Reason}")]
    public static partial void HandOffLeaseNotLengthened(ILogger logger, string workerId, int attempt, string reason);

    [LoggerMessage(3112, LogLevel.Warning, "Task {TaskId} handed to worker {WorkerId}, which did not take it, could not be given back ({Reason}); it starts elsewhere when its hand-off lease expires")]
    public static partial void HandOffNotGivenBack(ILogger logger, string taskId, string workerId, string reason);

    [LoggerMessage(3113, LogLevel.Warning, "{Count} task(s) handed to worker {WorkerId} waited too long to be taken (their hand-off lease was ending); they go back to their queue instead")]
    public static partial void HandOffTooLate(ILogger logger, int count, string workerId);
}
