using Microsoft.Extensions.Hosting;
using Vigil.Health;

namespace Vigil.Telemetry;

/// <summary>
/// Keeps the health snapshot behind the queue and worker gauges fresh, so that a <c>/metrics</c> scrape reads memory only.
/// Registered with the metrics endpoint (<c>AddVigilOpenTelemetry()</c>).
/// </summary>
internal sealed class VigilGaugeRefresher : BackgroundService
{
    /// <summary>How often the snapshot is refreshed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly VigilHealthReporter _reporter;
    private readonly TimeProvider _timeProvider;

    // The metrics are asked for so that the gauges exist from the start, even where no sentinel creates them.
    public VigilGaugeRefresher(VigilHealthReporter reporter, VigilObservabilityMetrics metrics, TimeProvider timeProvider)
    {
        _ = metrics;
        _reporter = reporter;
        _timeProvider = timeProvider;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Another reader (the sentinel reads every round, health checks on request) may have left a snapshot younger
            // than half the interval: the gauges read that one rather than the storage again.
            if (_reporter.Latest is not { } latest || _timeProvider.GetUtcNow() - latest.At >= Interval / 2)
            {
                // The reporter never throws: a failed reading is a snapshot with an error, and the gauges skip it.
                await _reporter.GetSnapshotAsync(stoppingToken).ConfigureAwait(false);
            }

            await Task.Delay(Interval, _timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }
}
