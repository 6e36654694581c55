using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.AspNetCore.Dashboard.Api;
using Vigil.AspNetCore.Realtime;

namespace Vigil.AspNetCore.Dashboard;

/// <summary>
/// While a dashboard is open, reads the overview (queues, workers) once per interval and pushes it to every open dashboard:
/// one storage read per web process, however many tabs are open, and nothing at all when none is.
/// </summary>
internal sealed partial class DashboardOverviewPusher(
    DashboardData data,
    RealtimeSender sender,
    TaskSubscriptions subscriptions,
    IOptions<VigilRealtimeOptions> options,
    TimeProvider timeProvider,
    ILogger<DashboardOverviewPusher> logger) : BackgroundService
{
    public const string OverviewMethod = "overview";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DashboardPushInterval;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (subscriptions.DashboardConnections > 0)
            {
                try
                {
                    var overview = await data.GetOverviewAsync(stoppingToken).ConfigureAwait(false);
                    await sender.SendToDashboardsAsync(OverviewMethod, overview, stoppingToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The page shows the storage error from its own API calls; this loop only has to survive the outage.
                    if (failures++ == 0)
                    {
                        LogPushFailed(logger, ex);
                    }
                }
            }

            try
            {
                await Task.Delay(interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Pushing the overview to open dashboards failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception);
}
