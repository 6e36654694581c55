using System.Text.Json;
using Vigil.Observability.Tests.Support;

namespace Vigil.Observability.Tests.Health;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task MapVigilHealthChecks_HealthyServer_ServesLiveReadyAndTheFullReport()
    {
        // Arrange
        await using var host = await VigilTestHost.StartAsync(v => v.UseSqlite(_temp.File("vigil.db")));

        // Act: wait until a probe went through the default queue and the worker's private queue.
        var (status, report) = await Poll.UntilAsync(
            () => host.GetHealthAsync(),
            r => r.Report.Status() == "Healthy"
                 && r.Report.Component("vigil.probes", "probe:queue:default")?.GetProperty("probeState").GetString() == "ok"
                 && r.Report.Entry("vigil.probes").GetProperty("data").EnumerateObject().Any(p => p.Name.StartsWith("probe:worker:", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "a healthy report with consumed probes");
        var (liveStatus, live) = await host.GetHealthAsync("/health/live");
        var (readyStatus, ready) = await host.GetHealthAsync("/health/ready");

        // Assert
        Assert.Equal(200, status);
        Assert.True(report.Entry("vigil.storage").GetProperty("data").GetProperty("latencyMs").GetDouble() >= 0);
        var worker = Assert.Single(report.Entry("vigil.workers").GetProperty("data").EnumerateObject());
        Assert.StartsWith("worker:", worker.Name, StringComparison.Ordinal);
        Assert.True(worker.Value.GetProperty("loopTickAgeSeconds").GetDouble() < 6);
        Assert.True(worker.Value.GetProperty("workingSetBytes").GetInt64() > 0);
        var queue = report.Component("vigil.queues", "queue:default")!.Value;
        Assert.Equal("Healthy", queue.GetProperty("status").GetString());
        Assert.Equal(1, queue.GetProperty("liveWorkers").GetInt32());
        Assert.True(report.Component("vigil.probes", "probe:queue:default")!.Value.GetProperty("probeLatencySeconds").GetDouble() < 2);

        Assert.Equal(200, liveStatus);
        Assert.Equal(["vigil.process"], live.GetProperty("entries").EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, readyStatus);
        Assert.Equal(["vigil.storage"], ready.GetProperty("entries").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task MapVigilHealthChecks_WebProcessWithoutWorker_IsLiveAndReady()
    {
        await using var host = await VigilTestHost.StartAsync(v => v.UseSqlite(_temp.File("vigil.db")), runWorker: false);

        var (liveStatus, live) = await host.GetHealthAsync("/health/live");
        var (readyStatus, _) = await host.GetHealthAsync("/health/ready");

        Assert.Equal(200, liveStatus);
        Assert.Equal("this process runs no worker", live.Entry("vigil.process").GetProperty("description").GetString());
        Assert.Equal(200, readyStatus);
    }
}
