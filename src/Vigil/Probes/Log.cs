using Microsoft.Extensions.Logging;

namespace Vigil.Probes;

internal static partial class Log
{
    [LoggerMessage(4100, LogLevel.Information, "Vigil sentinel {Owner} holds the sentinel lock: it probes every {Interval} with a deadline of {Deadline}")]
    public static partial void BecameLeader(ILogger logger, string owner, TimeSpan interval, TimeSpan deadline);

    [LoggerMessage(4101, LogLevel.Information, "Vigil sentinel {Owner} no longer holds the sentinel lock")]
    public static partial void LostLeadership(ILogger logger, string owner);

    [LoggerMessage(4102, LogLevel.Debug, "Vigil probe {TaskId} sent to {Target} (deadline {Deadline})")]
    public static partial void ProbeSent(ILogger logger, string taskId, string target, TimeSpan deadline);

    [LoggerMessage(4103, LogLevel.Debug, "Vigil probe {TaskId} of {Target} consumed in {LatencyMs} ms")]
    public static partial void ProbeConsumed(ILogger logger, string taskId, string target, double latencyMs);

    [LoggerMessage(4104, LogLevel.Warning, "Vigil probe {TaskId} of {Target} missed its deadline of {Deadline}: not consumed yet")]
    public static partial void ProbeMissed(ILogger logger, string taskId, string target, TimeSpan deadline);

    [LoggerMessage(4105, LogLevel.Warning, "Vigil sentinel round failed; it tries again in {Delay}: {Reason}")]
    public static partial void RoundFailed(ILogger logger, TimeSpan delay, string reason, Exception exception);

    [LoggerMessage(4106, LogLevel.Debug, "Vigil sentinel removed {Count} probe tasks of {Target}")]
    public static partial void ProbesRemoved(ILogger logger, int count, string target);
}
