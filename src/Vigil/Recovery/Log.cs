using Microsoft.Extensions.Logging;

namespace Vigil.Recovery;

internal static partial class Log
{
    [LoggerMessage(4300, LogLevel.Warning, "Vigil recovery step 1 for worker {WorkerId}: rebuilding the storage connection, because {Reason}")]
    public static partial void ResettingConnection(ILogger logger, string workerId, string reason);

    [LoggerMessage(4301, LogLevel.Warning, "Vigil recovery step 2 for worker {WorkerId}: restarting the consume loops, because the connection rebuild did not help within {StepTimeout} and {Reason}")]
    public static partial void RestartingLoops(ILogger logger, string workerId, TimeSpan stepTimeout, string reason);

    [LoggerMessage(4302, LogLevel.Error, "Vigil recovery step 3 for worker {WorkerId}: draining and exiting with code {ExitCode} for the supervisor to start a fresh process, because restarting the loops did not help within {StepTimeout} and {Reason}")]
    public static partial void Recycling(ILogger logger, string workerId, int exitCode, TimeSpan stepTimeout, string reason);

    [LoggerMessage(4303, LogLevel.Information, "Vigil recovery: worker {WorkerId} consumes again")]
    public static partial void Recovered(ILogger logger, string workerId);

    [LoggerMessage(4304, LogLevel.Warning, "Vigil recovery step for worker {WorkerId} failed: {Reason}")]
    public static partial void StepFailed(ILogger logger, string workerId, string reason, Exception exception);

    [LoggerMessage(4305, LogLevel.Debug, "Vigil watchdog could not read the probes of worker {WorkerId}: {Reason}")]
    public static partial void ProbeReadFailed(ILogger logger, string workerId, string reason);
}
