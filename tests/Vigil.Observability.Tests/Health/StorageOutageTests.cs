using System.Diagnostics;
using Vigil.Observability.Tests.Support;

namespace Vigil.Observability.Tests.Health;

public sealed class StorageOutageTests : IClassFixture<RedisServer>
{
    private readonly RedisServer _redis;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public StorageOutageTests(RedisServer redis, Xunit.Abstractions.ITestOutputHelper output)
    {
        _redis = redis;
        _output = output;
    }

    [Fact]
    public async Task HealthReady_RedisStoppedThenStarted_FailsWithinItsTimeoutAndRecoversByItself()
    {
        // Arrange: a web process and worker on Redis (the sentinel, with a webhook); /health/ready has a 1 s storage timeout.
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var host = await VigilTestHost.StartAsync(
            v => v.UseRedis(_redis.EndPoint, o => o.KeyPrefix = "obs-" + Guid.NewGuid().ToString("n")[..8]),
            configure: v => v.AddVigilAlerts(o => o.WebhookUrl = webhook.Url));
        await Poll.UntilAsync(
            () => host.GetHealthAsync(),
            r => r.Report.Status() == "Healthy" && r.Report.Component("vigil.probes", "probe:queue:default")?.GetProperty("probeState").GetString() == "ok",
            TimeSpan.FromSeconds(20), "a healthy report with a consumed probe before the outage");

        // Act 1: stop Redis.
        await _redis.StopAsync();
        var stopped = Stopwatch.StartNew();
        var (status, report) = await Poll.UntilAsync(
            () => host.GetHealthAsync("/health/ready"), r => r.Status == 503, TimeSpan.FromSeconds(10), "ready to fail");
        var detectedAfter = stopped.Elapsed;
        _output.WriteLine($"/health/ready failed {detectedAfter.TotalSeconds:0.00} s after Redis stopped");

        // Assert 1: the first request after the stop fails within the timeout (plus the poll's own spacing).
        Assert.Equal(503, status);
        Assert.Equal("Unhealthy", report.Status());
        Assert.InRange(detectedAfter, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        var description = report.Entry("vigil.storage").GetProperty("description").GetString();
        Assert.Contains("storage (redis", description, StringComparison.Ordinal);

        // The outage lasts until the sentinel has announced it (an outage shorter than AlertOptions.ConfirmAfter is,
        // by design, never announced, so neither would its recovery be).
        await Poll.UntilAsync(
            () => Task.FromResult(webhook.Received.Where(a => a.GetProperty("component").GetString() == "storage").ToList()),
            a => a.Any(x => x.GetProperty("kind").GetString() == "alert"), TimeSpan.FromSeconds(20), "the storage outage alert");

        // Act 2: start Redis again; nobody touches the web process.
        await _redis.StartAsync();
        var restarted = Stopwatch.StartNew();
        var (recovered, after) = await Poll.UntilAsync(
            () => host.GetHealthAsync("/health/ready"), r => r.Status == 200, TimeSpan.FromSeconds(30), "ready to recover");
        _output.WriteLine($"/health/ready recovered {restarted.Elapsed.TotalSeconds:0.00} s after Redis restarted");

        // Assert 2: ready again; the whole report heals (the worker re-registers, probes flow again); the sentinel
        // announced the outage and the recovery.
        Assert.Equal("Healthy", after.Status());
        Assert.Equal(200, recovered);
        await Poll.UntilAsync(
            () => host.GetHealthAsync(),
            r => r.Report.Status() == "Healthy" && r.Report.Component("vigil.probes", "probe:queue:default")?.GetProperty("probeState").GetString() == "ok",
            TimeSpan.FromSeconds(30), "the full report to heal");
        var storageAlerts = await Poll.UntilAsync(
            () => Task.FromResult(webhook.Received.Where(a => a.GetProperty("component").GetString() == "storage").ToList()),
            a => a.Any(x => x.GetProperty("kind").GetString() == "recovery"), TimeSpan.FromSeconds(20), "the storage recovery alert");
        Assert.Equal(["alert", "recovery"], storageAlerts.Select(a => a.GetProperty("kind").GetString()));
    }
}
