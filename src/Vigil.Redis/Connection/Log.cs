using Microsoft.Extensions.Logging;

namespace Vigil.Redis.Connection;

/// <summary>Log messages of the Redis connection and its watchdog (event ids 3100-3199).</summary>
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
}
