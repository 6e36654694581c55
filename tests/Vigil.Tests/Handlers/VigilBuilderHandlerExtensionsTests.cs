using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Handlers;
using Vigil.Tasks;
using Vigil.Tests.Processing;
using Vigil.Tests.Support;

namespace Vigil.Tests.Handlers;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderPayload))]
[JsonSerializable(typeof(ReceiptResult))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

public class VigilBuilderHandlerExtensionsTests
{
    [Fact]
    public async Task AddHandler_SourceGeneratedMetadata_ReadsPayloadAndWritesResult()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload, ReceiptResult>(
            "orders.aot", (p, _) => ValueTask.FromResult(new ReceiptResult(p.Id + 1)), TestJsonContext.Default.OrderPayload, TestJsonContext.Default.ReceiptResult),
            storage: VigilWorkerTests.Kind);

        var id = await h.Client.EnqueueAsync("orders.aot", new OrderPayload(41), TestJsonContext.Default.OrderPayload);
        var done = await h.WaitForStateAsync(id, TaskState.Succeeded);

        Assert.Equal("{\"total\":42}", done.Result);
    }

    [Fact]
    public async Task AddHandler_CustomSerializerOptions_UsedForPayloadAndResult()
    {
        var snake = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<SnakePayload, SnakePayload>(
            "orders.snake", (p, _) => ValueTask.FromResult(p with { OrderNumber = p.OrderNumber * 2 }), snake), storage: VigilWorkerTests.Kind);

        var id = await h.Client.EnqueueJsonAsync("orders.snake", "{\"order_number\":21}");
        var done = await h.WaitForStateAsync(id, TaskState.Succeeded);

        Assert.Equal("{\"order_number\":42}", done.Result);
    }

    [Fact]
    public async Task AddHandler_HandlerClassWithoutResult_RunsAndSucceeds()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<CountingHandler, OrderPayload>("orders.count"), storage: VigilWorkerTests.Kind);

        var id = await h.Client.EnqueueAsync("orders.count", new OrderPayload(3));
        var done = await h.WaitForStateAsync(id, TaskState.Succeeded);

        Assert.Null(done.Result);
        Assert.True(CountingHandler.Seen.ContainsKey(id));
    }

    [Fact]
    public void ConfigureWorker_QueuesAndConcurrency_ReplaceDefaults()
    {
        var services = new ServiceCollection();
        services.AddVigil().ConfigureWorker(["critical", "default"], concurrency: 2);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VigilOptions>>().Value;

        Assert.Equal(["critical", "default"], options.Queues);
        Assert.Equal(2, options.Concurrency);
    }

    [Fact]
    public void ConfigureWorker_InvalidQueue_ThrowsAtOnce()
    {
        var builder = new ServiceCollection().AddVigil();

        var error = Assert.Throws<ArgumentException>(() => builder.ConfigureWorker(["ok", "not ok"]));

        Assert.Contains("Queue name 'not ok' is invalid", error.Message);
    }

    [Fact]
    public async Task PublishStateEventsOff_NoTaskStateEvent()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", async (_, ctx) => await ctx.ReportProgressAsync(100)),
            options: o => o.PublishStateEvents = false, storage: VigilWorkerTests.Kind);
        var cursor = (await h.Storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;

        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        await h.WaitForStateAsync(id, TaskState.Succeeded);
        var events = (await h.Storage.ReadEventsAsync(cursor, 100, CancellationToken.None)).Events;

        Assert.Contains(events, e => e.Kind == "task.progress" && e.TaskId == id);
        Assert.DoesNotContain(events, e => e.Kind == "task.state");
    }

    public sealed record SnakePayload(int OrderNumber);

    private sealed class CountingHandler : ITaskHandler<OrderPayload>
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Seen = new();

        public ValueTask HandleAsync(OrderPayload payload, TaskContext context)
        {
            Seen[context.TaskId] = payload.Id;
            return ValueTask.CompletedTask;
        }
    }
}
