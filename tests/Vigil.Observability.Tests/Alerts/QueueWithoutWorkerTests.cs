using System.Text.Json;
using Vigil.Client;
using Vigil.Observability.Tests.Support;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Alerts;

public sealed class QueueWithoutWorkerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sentinel_QueueWithoutWorker_ReportsUnhealthyAlertsOnceAndAnnouncesRecovery()
    {
        // Arrange: a web process (sentinel, no worker on 'orphan') and a webhook listener.
        await using var webhook = await WebhookReceiver.StartAsync();
        var db = _temp.File("vigil.db");
        await using var web = await VigilTestHost.StartAsync(
            v => v.UseSqlite(db), runWorker: false, configure: v => v.AddVigilAlerts(o => o.WebhookUrl = webhook.Url));
        var client = web.Services.GetRequiredService<IVigilClient>();
        var taskId = await client.EnqueueJsonAsync("test.noop", "{}", new EnqueueOptions { Queue = "orphan" });

        // Act 1: the probe through 'orphan' misses its deadline.
        var (status, report) = await Poll.UntilAsync(
            () => web.GetHealthAsync(),
            r => r.Report.Component("vigil.probes", "probe:queue:orphan")?.GetProperty("probeState").GetString() == "missed",
            TimeSpan.FromSeconds(20), "the probe of queue 'orphan' to miss");

        // Assert 1
        Assert.Equal(503, status);
        Assert.Equal("Unhealthy", report.Status());
        var queue = report.Component("vigil.queues", "queue:orphan")!.Value;
        Assert.Equal("Unhealthy", queue.GetProperty("status").GetString());
        Assert.Contains("queue 'orphan' is not served: no live worker consumes it", queue.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("its probe has waited", queue.GetProperty("description").GetString(), StringComparison.Ordinal);
        await Poll.UntilAsync(() => Alerts(webhook).Count >= 1, TimeSpan.FromSeconds(10), "the webhook alert");

        // Probes never pile up: after many intervals (500 ms each) there is still one probe waiting in the queue.
        await Poll.UntilAsync(
            () => web.GetHealthAsync(),
            r => r.Report.Component("vigil.probes", "probe:queue:orphan")?.GetProperty("probePendingSeconds").GetDouble() >= 4,
            TimeSpan.FromSeconds(20), "the probe to wait eight intervals");
        var probes = await client.ListTasksAsync(new Vigil.Storage.TaskQuery { Queue = "orphan", Type = Vigil.Tasks.TaskNames.ProbeTaskType });
        Assert.Single(probes.Tasks, t => !t.State.IsTerminal());

        // Act 2: a worker for 'orphan' starts.
        await using var worker = await VigilTestHost.StartAsync(
            v =>
            {
                v.UseSqlite(db);
                v.AddHandler<JsonElement>("test.noop", static (_, _) => ValueTask.CompletedTask);
            },
            queues: ["orphan"],
            configure: v => v.AddVigilSentinel(o => o.Enabled = false));

        // Assert 2: the task ran, health recovered, and the webhook got exactly one alert and one recovery.
        await Poll.UntilAsync(() => Alerts(webhook).Any(a => a.GetProperty("kind").GetString() == "recovery"), TimeSpan.FromSeconds(20), "the recovery");
        var record = await client.GetTaskAsync(taskId);
        Assert.Equal(Vigil.Tasks.TaskState.Succeeded, record!.State);
        var (_, after) = await Poll.UntilAsync(
            () => web.GetHealthAsync(),
            r => r.Report.Component("vigil.queues", "queue:orphan")?.GetProperty("status").GetString() == "Healthy",
            TimeSpan.FromSeconds(10), "queue 'orphan' healthy again");
        Assert.Equal("Healthy", after.Component("vigil.queues", "queue:orphan")!.Value.GetProperty("status").GetString());

        var alerts = Alerts(webhook);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(("alert", "unhealthy"), (alerts[0].GetProperty("kind").GetString(), alerts[0].GetProperty("status").GetString()));
        Assert.Contains("orphan", alerts[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(("recovery", "healthy"), (alerts[1].GetProperty("kind").GetString(), alerts[1].GetProperty("status").GetString()));
    }

    private static List<JsonElement> Alerts(WebhookReceiver webhook) =>
        webhook.Received.Where(a => a.GetProperty("component").GetString() == "queue:orphan").ToList();
}
