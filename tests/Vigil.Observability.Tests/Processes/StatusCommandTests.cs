using System.Text.Json;
using Vigil.Client;
using Vigil.Observability.Tests.Support;
using Vigil.Storage;

namespace Vigil.Observability.Tests.Processes;

/// <summary><c>vigil status</c> and <c>vigil worker --health-urls</c> as real processes.</summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Db => _temp.File("vigil.db");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Status_HealthyServer_PrintsTableAndExitsZero()
    {
        await using var host = await VigilTestHost.StartAsync(v => v.UseSqlite(Db));
        // A queue enters the report with the worker's first heartbeat, which may come after the first healthy report.
        await Poll.UntilAsync(
            () => host.GetHealthAsync(),
            r => r.Report.Status() == "Healthy" && r.Report.Component("vigil.queues", "queue:default") is not null,
            TimeSpan.FromSeconds(20), "a healthy report that lists queue 'default'");

        var (exitCode, output) = await VigilCli.RunAsync(["status", "--url", host.BaseAddress.ToString()], Env());

        Assert.True(exitCode == 0, output);
        Assert.Contains("queue:default", output, StringComparison.Ordinal);
        Assert.Contains("Overall: Healthy", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnservedQueue_ExitsTwoWithTheReason()
    {
        await using var host = await VigilTestHost.StartAsync(v => v.UseSqlite(Db), runWorker: false);
        await host.Services.GetRequiredService<IVigilClient>().EnqueueJsonAsync("demo.noop", "{}", new EnqueueOptions { Queue = "nobody" });

        var (urlExit, urlOutput) = await VigilCli.RunAsync(["status", "--url", host.BaseAddress.ToString()], Env());
        var (storageExit, storageOutput) = await VigilCli.RunAsync(["status", "--storage", "sqlite:" + Db, "--json"], Env());

        Assert.True(urlExit == 2, urlOutput);
        Assert.Contains("not served", urlOutput, StringComparison.Ordinal);
        Assert.True(storageExit == 2, storageOutput);
        using var report = JsonDocument.Parse(storageOutput[storageOutput.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal("Unhealthy", report.RootElement.GetProperty("status").GetString());
        Assert.False(report.RootElement.GetProperty("entries").TryGetProperty("vigil.process", out _));
    }

    [Fact]
    public async Task Status_NothingListening_ExitsTwo()
    {
        var (exitCode, output) = await VigilCli.RunAsync(["status", "--url", $"http://127.0.0.1:{FreePort.Next()}", "--timeout", "2s"], Env());

        Assert.True(exitCode == 2, output);
        Assert.Contains("no health report", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_WithHealthUrls_ServesLivenessAndAdvertisesItInItsHeartbeat()
    {
        // Arrange
        var port = FreePort.Next();
        using var worker = VigilCli.Start(["worker", "--storage", "sqlite:" + Db, "--health-urls", $"http://127.0.0.1:{port}"], Env());

        // Act
        var (exitCode, output) = await Poll.UntilAsync(
            () => VigilCli.RunAsync(["status", "--url", $"http://127.0.0.1:{port}/health/live"], Env()),
            r => r.ExitCode == 0, TimeSpan.FromSeconds(60), "the worker's /health/live");
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var heartbeat = await Poll.UntilAsync(
            async () => (await store.Storage.GetWorkersAsync(CancellationToken.None)).FirstOrDefault(),
            w => w?.HealthUrl is not null, TimeSpan.FromSeconds(20), "the heartbeat with the health URL");

        // Assert
        Assert.Equal(0, exitCode);
        Assert.Contains("vigil.process", output, StringComparison.Ordinal);
        Assert.Equal($"http://127.0.0.1:{port}/health", heartbeat!.HealthUrl);
        Assert.True(heartbeat.WorkingSetBytes > 0);
        Assert.NotNull(heartbeat.GcHeapBytes);
        using var http = new HttpClient();
        var metrics = PrometheusText.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
        Assert.Contains(metrics.Samples, m => m.Name.StartsWith("vigil_", StringComparison.Ordinal));
        Assert.False(worker.HasExited, worker.Output);
    }

    private Dictionary<string, string?> Env() => new() { ["VIGIL_HOME"] = _temp.Path };
}
