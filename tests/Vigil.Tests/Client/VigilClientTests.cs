using System.Diagnostics;
using Vigil.Client;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Tests.Processing;
using Vigil.Tests.Support;

namespace Vigil.Tests.Client;

public class VigilClientTests
{
    private static Task<VigilHarness> CreateSut(Action<VigilOptions>? options = null) =>
        VigilHarness.StartAsync(options: o =>
        {
            o.RunWorker = false;
            options?.Invoke(o);
        }, storage: VigilWorkerTests.Kind);

    [Theory]
    [InlineData("{\"id\":1,}", "line 1")]
    [InlineData("{\"id\":", "line 1")]
    [InlineData("1 2", "after a single JSON value")]
    [InlineData("   ", "it is empty")]
    [InlineData("{'id':1}", "line 1, byte 2")]
    public async Task EnqueueJsonAsync_MalformedJson_ThrowsWithPositionAndStoresNothing(string json, string detail)
    {
        await using var h = await CreateSut();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.EnqueueJsonAsync("orders.pay", json).AsTask());

        Assert.Contains("Payload of task type 'orders.pay' is not one well-formed JSON value", error.Message);
        Assert.Contains(detail, error.Message);
        Assert.Equal(0, (await h.Client.ListTasksAsync(new TaskQuery())).Total);
    }

    [Fact]
    public async Task EnqueueJsonAsync_OversizedPayload_ThrowsNamingSizeAndLimit()
    {
        await using var h = await CreateSut(o => o.MaxPayloadBytes = 100);
        var json = "\"" + new string('é', 60) + "\""; // 122 UTF-8 bytes

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => h.Client.EnqueueJsonAsync("orders.pay", json).AsTask());

        Assert.Equal(122, error.Size);
        Assert.Equal(100, error.Limit);
        Assert.Contains("is 122 bytes, over the limit of 100 bytes", error.Message);
        Assert.Equal(0, (await h.Client.ListTasksAsync(new TaskQuery())).Total);
    }

    [Fact]
    public async Task EnqueueAsync_TypedPayloadOverLimit_ThrowsPayloadTooLarge()
    {
        await using var h = await CreateSut(o => o.MaxPayloadBytes = 50);

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => h.Client.EnqueueAsync("orders.pay", new string('x', 100)).AsTask());
    }

    [Theory]
    [InlineData("bad type!", null, "Task type 'bad type!' is invalid")]
    [InlineData("", null, "Task type is empty")]
    [InlineData("orders.pay", "my queue", "Queue name 'my queue' is invalid")]
    public async Task EnqueueAsync_InvalidNames_ThrowsNamingValueAndRule(string type, string? queue, string expected)
    {
        await using var h = await CreateSut();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            h.Client.EnqueueAsync(type, new OrderPayload(1), new EnqueueOptions { Queue = queue }).AsTask());

        Assert.Contains(expected, error.Message);
        Assert.Contains("use letters, digits, '-', '_' or '.', at most 100 characters", error.Message);
    }

    public static TheoryData<EnqueueOptions, string> InvalidOptions => new()
    {
        { new EnqueueOptions { MaxAttempts = 0 }, "MaxAttempts is 0: use a value from 1 to 1000" },
        { new EnqueueOptions { MaxAttempts = 1001 }, "MaxAttempts is 1001" },
        { new EnqueueOptions { Delay = TimeSpan.FromSeconds(-1) }, "Delay is -00:00:01" },
        { new EnqueueOptions { Delay = TimeSpan.FromSeconds(1), ScheduledAt = DateTimeOffset.MaxValue }, "Delay and ScheduledAt are both set" },
        { new EnqueueOptions { Timeout = TimeSpan.Zero }, "Timeout is 00:00:00" },
        { new EnqueueOptions { IdempotencyKey = new string('k', 201) }, "is 201 characters long: use at most 200" },
        { new EnqueueOptions { IdempotencyKey = " " }, "IdempotencyKey is empty" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task EnqueueAsync_InvalidOptions_ThrowsNamingOption(EnqueueOptions options, string expected)
    {
        await using var h = await CreateSut();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.EnqueueAsync("orders.pay", new OrderPayload(1), options).AsTask());

        Assert.Contains(expected, error.Message);
        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public async Task EnqueueAsync_Valid_StoresWithDefaultsAndLowerCaseHexId()
    {
        await using var h = await CreateSut(o => o.DefaultMaxAttempts = 9);

        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(5), new EnqueueOptions { Timeout = TimeSpan.FromSeconds(30), IdempotencyKey = new string('k', 200) });
        var task = await h.Client.GetTaskAsync(id);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("default", task!.Queue);
        Assert.Equal(9, task.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), task.Timeout);
        Assert.Equal("{\"id\":5}", task.Payload);
        Assert.Equal(TaskState.Queued, task.State);
    }

    [Fact]
    public async Task EnqueueBatchAsync_OneInvalidItem_StoresNothingAndNamesTheItem()
    {
        await using var h = await CreateSut();
        TaskRequest[] batch =
        [
            new("orders.pay", "{\"id\":1}"),
            new("orders.pay", "{\"id\":2}", new EnqueueOptions { MaxAttempts = 0 }),
            new("orders.pay", "{\"id\":3}"),
        ];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.EnqueueBatchAsync(batch).AsTask());

        Assert.StartsWith("Batch item 1: MaxAttempts is 0", error.Message);
        Assert.Equal(0, (await h.Client.ListTasksAsync(new TaskQuery())).Total);
    }

    [Fact]
    public async Task EnqueueBatchAsync_Valid_StoresAllInOrder()
    {
        await using var h = await CreateSut();
        TaskRequest[] batch =
        [
            new("orders.pay", "{\"id\":1}"),
            new("reports.make", "[1,2]", new EnqueueOptions { Queue = "reports" }),
            new("orders.pay", "3", new EnqueueOptions { Delay = TimeSpan.FromMinutes(1) }),
        ];

        var ids = await h.Client.EnqueueBatchAsync(batch);

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("{\"id\":1}", (await h.Client.GetTaskAsync(ids[0]))!.Payload);
        Assert.Equal("reports", (await h.Client.GetTaskAsync(ids[1]))!.Queue);
        Assert.Equal(TaskState.Scheduled, (await h.Client.GetTaskAsync(ids[2]))!.State);
    }

    [Fact]
    public async Task EnqueueAsync_InsideActivity_StoresW3CTraceContext()
    {
        await using var h = await CreateSut();
        using var parent = new Activity("web-request").SetIdFormat(ActivityIdFormat.W3C).Start();
        parent.TraceStateString = "vendor=1";

        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        var task = await h.Client.GetTaskAsync(id);

        Assert.NotNull(task!.TraceParent);
        Assert.True(ActivityContext.TryParse(task.TraceParent, task.TraceState, out var context));
        Assert.Equal(parent.TraceId, context.TraceId);
        Assert.Equal("vendor=1", task.TraceState);
    }
}
