using Microsoft.Extensions.Logging;

namespace Vigil.Resources;

internal static partial class Log
{
    [LoggerMessage(4400, LogLevel.Warning, "Vigil worker {WorkerId} recycles: {Reason}; it drains and exits with code {ExitCode}")]
    public static partial void Recycling(ILogger logger, string workerId, string reason, int exitCode);

    [LoggerMessage(4401, LogLevel.Information, "Vigil resource limits of worker {WorkerId}: working set {MaxWorkingSet}, tasks {MaxTasks}")]
    public static partial void Limits(ILogger logger, string workerId, string maxWorkingSet, string maxTasks);
}
