using Microsoft.Extensions.Logging;

namespace Vigil.AspNetCore.Health;

internal static partial class Log
{
    [LoggerMessage(4500, LogLevel.Information, "Vigil health endpoints listen on {Urls} ({Path}, {Path}/live, {Path}/ready)")]
    public static partial void HealthServerStarted(ILogger logger, string urls, string path);
}
