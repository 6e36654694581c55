using Microsoft.Extensions.Logging;

namespace Vigil.AspNetCore.Realtime;

internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug,
        Message = "Real-time relay started: event poll {EventPollInterval}, state poll {StatePollInterval}, batch {EventBatchSize}")]
    public static partial void RelayStarted(ILogger logger, TimeSpan eventPollInterval, TimeSpan statePollInterval, int eventBatchSize);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Reading the event feed from {Storage} failed; browsers get no progress until it answers again")]
    public static partial void EventFeedFailed(ILogger logger, string storage, Exception exception);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Reading the event feed failed again")]
    public static partial void EventFeedFailedAgain(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Reading the event feed works again after {Failures} failures")]
    public static partial void EventFeedRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Pushing event {Kind} to browsers failed")]
    public static partial void PushFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Event {Kind} lacks its {Field}; it is dropped")]
    public static partial void EventIncomplete(ILogger logger, string kind, string field);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "Reading the state of watched tasks failed; subscribers get results when the storage answers again")]
    public static partial void StatePollFailed(ILogger logger, Exception exception);
}
