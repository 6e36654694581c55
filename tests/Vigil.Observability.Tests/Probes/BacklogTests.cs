using System.Text.Json;
using Vigil.Client;
using Vigil.Storage;
using Vigil.Observability.Tests.Support;

namespace Vigil.Observability.Tests.Probes;

public sealed class BacklogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sentinel_LargeBacklogStillServed_IsDegradedBacklogNeverUnhealthy()
    {
        // Arrange: one slot, 60 tasks of 150 ms: about 9 s of work ahead of any probe (deadline 2 s).
        await using var host = await VigilTestHost.StartAsync(
            v =>
            {
                v.UseSqlite(_temp.File("vigil.db"));
                v.AddHandler<JsonElement>("test.slow", static async (_, context) => await Task.Delay(150, context.CancellationToken));
            },
            queues: ["slow"],
            concurrency: 1);
        var client = host.Services.GetRequiredService<IVigilClient>();

        // The worker's first heartbeat is written by its own loop, just after the host started: until it is stored, a
        // health report rightly finds no live worker for the queue. This test is about the backlog, so it starts after.
        var storage = host.Services.GetRequiredService<IVigilStorage>();
        await Poll.UntilAsync(async () => (await storage.GetWorkersAsync(CancellationToken.None)).Count > 0, TimeSpan.FromSeconds(10), "the worker's first heartbeat");
        await client.EnqueueBatchAsync(Enumerable.Range(0, 60).Select(_ => new TaskRequest("test.slow", "{}", new EnqueueOptions { Queue = "slow" })).ToList());

        // Act: watch /health until the queue probe has missed its deadline and the queue is judged.
        var observed = new List<JsonElement>();
        var (_, behind) = await Poll.UntilAsync(
            async () =>
            {
                var result = await host.GetHealthAsync();
                observed.Add(result.Report);
                return result;
            },
            r => r.Report.Component("vigil.probes", "probe:queue:slow")?.GetProperty("probeState").GetString() == "missed"
                 && r.Report.Component("vigil.queues", "queue:slow")?.GetProperty("status").GetString() == "Degraded",
            TimeSpan.FromSeconds(30), "the backlog to be judged");

        // Assert: degraded with its own reason; the queue was never called unserved on the way.
        var queue = behind.Component("vigil.queues", "queue:slow")!.Value;
        Assert.Contains("queue 'slow' has a backlog", queue.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Degraded", behind.Status());
        Assert.DoesNotContain(observed, r => r.Component("vigil.queues", "queue:slow")?.GetProperty("status").GetString() == "Unhealthy");
        Assert.DoesNotContain(observed, r => r.Status() == "Unhealthy");
    }
}
