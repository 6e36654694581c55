using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Vigil.Client;
using Vigil.Tasks;
using Vigil.Telemetry;
using Vigil.Tests.Processing;
using Vigil.Tests.Support;

namespace Vigil.Tests.Telemetry;

public class VigilTelemetryTests
{
    [Fact]
    public async Task Execute_Outcomes_CountedByQueueAndType()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b => b
            .AddHandler<OrderPayload>("orders.pay", (_, _) => ValueTask.CompletedTask)
            .AddHandler<OrderPayload>("orders.fail", (_, _) => throw new InvalidOperationException("no")), storage: VigilWorkerTests.Kind);
        var meter = h.Host.Services.GetRequiredService<VigilMetrics>().Meter;
        using var enqueued = new MetricCollector<long>(meter, VigilInstruments.TasksEnqueued);
        using var succeeded = new MetricCollector<long>(meter, VigilInstruments.TasksSucceeded);
        using var failed = new MetricCollector<long>(meter, VigilInstruments.TasksFailed);
        using var retried = new MetricCollector<long>(meter, VigilInstruments.TasksRetried);
        using var dead = new MetricCollector<long>(meter, VigilInstruments.TasksDead);
        using var duration = new MetricCollector<double>(meter, VigilInstruments.TaskDuration);
        using var wait = new MetricCollector<double>(meter, VigilInstruments.TaskWaitTime);

        // Act
        var ok = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        var bad = await h.Client.EnqueueAsync("orders.fail", new OrderPayload(2), new EnqueueOptions { MaxAttempts = 2 });
        await h.WaitForStateAsync(ok, TaskState.Succeeded);
        await h.WaitForStateAsync(bad, TaskState.Dead);

        // Assert
        Assert.Equal(2, enqueued.GetMeasurementSnapshot().Count);
        var success = Assert.Single(succeeded.GetMeasurementSnapshot());
        Assert.Equal("default", success.Tags[VigilInstruments.QueueTag]);
        Assert.Equal("orders.pay", success.Tags[VigilInstruments.TypeTag]);
        Assert.Equal(2, failed.GetMeasurementSnapshot().Count);
        Assert.Single(retried.GetMeasurementSnapshot());
        Assert.Equal("orders.fail", Assert.Single(dead.GetMeasurementSnapshot()).Tags[VigilInstruments.TypeTag]);
        Assert.Equal(3, duration.GetMeasurementSnapshot().Count);
        Assert.Equal(3, wait.GetMeasurementSnapshot().Count);
        Assert.Equal("s", duration.Instrument!.Unit);
    }

    [Fact]
    public async Task Execute_EnqueuedInsideTrace_ConsumerSpanIsChildOfProducerSpan()
    {
        // Arrange
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == VigilInstruments.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var handlerTrace = new TaskCompletionSource<ActivityTraceId>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.traced", (_, _) =>
        {
            handlerTrace.TrySetResult(Activity.Current!.TraceId);
            return ValueTask.CompletedTask;
        }), storage: VigilWorkerTests.Kind);

        // Act
        string id;
        ActivityTraceId traceId;
        using (var request = new Activity("web-request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = request.TraceId;
            id = await h.Client.EnqueueAsync("orders.traced", new OrderPayload(1));
        }

        await h.WaitForStateAsync(id, TaskState.Succeeded);

        // Assert
        Assert.Equal(traceId, await handlerTrace.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var producer = Assert.Single(spans, s => s.Kind == ActivityKind.Producer && s.TraceId == traceId);
        Activity? consumer = null;
        await h.WaitUntilAsync(() => (consumer = spans.FirstOrDefault(s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId)) is not null, "the consumer span ends");
        Assert.Equal(producer.SpanId, consumer!.ParentSpanId);
        Assert.Equal("process orders.traced", consumer.DisplayName);
        Assert.Equal(id, consumer.GetTagItem("messaging.message.id"));
    }
}
