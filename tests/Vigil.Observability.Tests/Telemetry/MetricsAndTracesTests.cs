using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Trace;
using Vigil.Client;
using Vigil.Observability.Tests.Support;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Telemetry;

[Collection(MetricsExportCollection.Name)]
public sealed class MetricsAndTracesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task MapVigilMetrics_AfterTasksAndProbes_ServesPrometheusTextWithTheirCounts()
    {
        // Arrange
        await using var host = await VigilTestHost.StartAsync(
            v =>
            {
                v.UseSqlite(_temp.File("vigil.db"));
                v.AddHandler<JsonElement>("test.noop", static (_, _) => ValueTask.CompletedTask);
                v.AddHandler<JsonElement>("test.fail", static (_, _) => throw new InvalidOperationException("boom"));
                v.AddVigilOpenTelemetry();
            },
            queues: ["metrics"],
            map: app => app.MapVigilMetrics());
        var client = host.Services.GetRequiredService<IVigilClient>();

        // Act: three successes and one failure (no retry), then wait for a probe latency to be recorded.
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await client.EnqueueJsonAsync("test.noop", "{}", new EnqueueOptions { Queue = "metrics" }));
        }

        ids.Add(await client.EnqueueJsonAsync("test.fail", "{}", new EnqueueOptions { Queue = "metrics", MaxAttempts = 1 }));
        await Poll.UntilAsync(
            async () => await Task.WhenAll(ids.Select(id => client.GetTaskAsync(id).AsTask())),
            tasks => tasks.All(t => t!.State.IsTerminal()), TimeSpan.FromSeconds(20), "the four tasks to finish");
        var metrics = await Poll.UntilAsync(
            async () => PrometheusText.Parse(await host.Http.GetStringAsync("/metrics")),
            m => m.Value("vigil_probe_latency_seconds_count", ("kind", "queue"), ("queue", "metrics")) >= 1
                 && m.Value("vigil_queue_depth", ("queue", "metrics")) is not null
                 // The worker counts an outcome just after storing it: a scrape may come between the two.
                 && m.Value("vigil_tasks_succeeded_total", ("queue", "metrics"), ("type", "test.noop")) >= 3
                 && m.Value("vigil_tasks_dead_total", ("queue", "metrics"), ("type", "test.fail")) >= 1,
            TimeSpan.FromSeconds(60), "a probe latency of queue 'metrics' in /metrics");

        // Assert: the counters carry exactly what the test produced; the histogram is well-formed.
        Assert.Equal(3, metrics.Value("vigil_tasks_succeeded_total", ("queue", "metrics"), ("type", "test.noop")));
        Assert.Equal(1, metrics.Value("vigil_tasks_failed_total", ("queue", "metrics"), ("type", "test.fail")));
        Assert.Equal(1, metrics.Value("vigil_tasks_dead_total", ("queue", "metrics"), ("type", "test.fail")));
        Assert.Equal(4, metrics.Value("vigil_tasks_enqueued_total", ("queue", "metrics"), ("type", "test.noop")) + metrics.Value("vigil_tasks_enqueued_total", ("queue", "metrics"), ("type", "test.fail")));
        Assert.Equal("histogram", metrics.Types["vigil_probe_latency_seconds"]);
        var count = metrics.Value("vigil_probe_latency_seconds_count", ("kind", "queue"), ("queue", "metrics"))!.Value;
        var sum = metrics.Value("vigil_probe_latency_seconds_sum", ("kind", "queue"), ("queue", "metrics"))!.Value;
        var infBucket = metrics.Value("vigil_probe_latency_seconds_bucket", ("kind", "queue"), ("queue", "metrics"), ("le", "+Inf"));
        Assert.Equal(count, infBucket);
        Assert.InRange(sum / count, 0, 2);
        Assert.NotNull(metrics.Value("vigil_workers_live"));
    }

    [Fact]
    public async Task Enqueue_InWebRequest_TaskSpanIsChildOfTheRequestTrace()
    {
        // Arrange
        var exported = new List<Activity>();
        await using var host = await VigilTestHost.StartAsync(
            v =>
            {
                v.UseSqlite(_temp.File("vigil.db"));
                v.AddHandler<JsonElement>("test.traced", static (_, _) => ValueTask.CompletedTask);
                v.AddVigilOpenTelemetry(configureTracing: t => t.AddInMemoryExporter(exported));
            },
            map: app => app.MapPost("/work", async (IVigilClient client) => Results.Ok(await client.EnqueueJsonAsync("test.traced", "{}"))));

        // Act
        using var response = await host.Http.PostAsync("/work", null);
        response.EnsureSuccessStatusCode();
        var taskId = await response.Content.ReadFromJsonAsync<string>();
        // The request span ends after its response; the task may run before that: wait for both.
        var all = await Poll.UntilAsync(
            () => Task.FromResult(Snapshot(exported)),
            a => a.Any(x => x.Kind == ActivityKind.Consumer && x.DisplayName == "process test.traced")
                 && a.Any(x => x.Kind == ActivityKind.Server && x.DisplayName.Contains("/work", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the request span and the task's execution span");

        // Assert: request → producer (enqueue) → consumer (execution), one trace.
        var consumer = Assert.Single(all, a => a.Kind == ActivityKind.Consumer && a.DisplayName == "process test.traced");
        var request = Assert.Single(all, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("/work", StringComparison.Ordinal));
        var producer = Assert.Single(all, a => a.Kind == ActivityKind.Producer && a.DisplayName == "enqueue test.traced");
        Assert.Equal(request.TraceId, consumer.TraceId);
        Assert.Equal(request.SpanId, producer.ParentSpanId);
        Assert.Equal(producer.SpanId, consumer.ParentSpanId);
        Assert.Equal(taskId, consumer.GetTagItem("messaging.message.id"));
    }

    private static List<Activity> Snapshot(List<Activity> exported)
    {
        lock (exported)
        {
            return [.. exported];
        }
    }
}
