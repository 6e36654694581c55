using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Client;
using Vigil.Processing;
using Vigil.Tasks;
using Vigil.Tests.Support;

namespace Vigil.Tests.Processing;

public sealed record OrderPayload(int Id);

public sealed record ReceiptResult(int Total);

/// <summary>The worker end to end on a real SQLite file: outcomes of attempts, retries, timeouts and bad input.</summary>
public partial class VigilWorkerTests
{
    internal const StorageKind Kind = StorageKind.Sqlite;

    [Fact]
    public async Task Execute_HandlerReturnsResult_TaskSucceededWithResultJson()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload, ReceiptResult>(
            "orders.pay", (p, _) => ValueTask.FromResult(new ReceiptResult(p.Id * 2))), storage: Kind);

        // Act
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(21));
        var task = await h.WaitForStateAsync(id, TaskState.Succeeded);

        // Assert
        Assert.Equal("{\"total\":42}", task.Result);
        Assert.Equal(1, task.Attempt);
        Assert.Equal(1, h.Worker.Processed);
        Assert.Equal(0, h.Worker.Failed);
    }

    [Fact]
    public async Task Execute_HandlerLogs_CategoryPerTypeAndScopeWithTaskIdentity()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.logged", (p, ctx) =>
        {
#pragma warning disable CA1848 // A handler author's plain logging call is what this test exercises.
            ctx.Logger.LogInformation("paying order {OrderId}", p.Id);
#pragma warning restore CA1848
            return ValueTask.CompletedTask;
        }), storage: Kind);

        var id = await h.Client.EnqueueAsync("orders.logged", new OrderPayload(9));
        await h.WaitForStateAsync(id, TaskState.Succeeded);

        var record = Assert.Single(h.Logs.GetSnapshot(), r => r.Message == "paying order 9");
        Assert.Equal("Vigil.Tasks.orders.logged", record.Category);
        var scope = Assert.Single(record.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
        Assert.Contains(new KeyValuePair<string, object?>("TaskId", id), scope);
        Assert.Contains(new KeyValuePair<string, object?>("Type", "orders.logged"), scope);
        Assert.Contains(new KeyValuePair<string, object?>("Queue", "default"), scope);
        Assert.Contains(new KeyValuePair<string, object?>("Attempt", 1), scope);
    }

    [Fact]
    public async Task Execute_HandlerAlwaysThrows_RetriesWithBackoffThenDead()
    {
        // Arrange
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.fail", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("card declined");
        }), storage: Kind);

        // Act
        var id = await h.Client.EnqueueAsync("orders.fail", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 3 });
        var first = await h.WaitForTaskAsync(id, t => t.State == TaskState.Retrying && t.Attempt == 1, advance: TimeSpan.FromMilliseconds(50));
        var second = await h.WaitForTaskAsync(id, t => t.State == TaskState.Retrying && t.Attempt == 2, advance: TimeSpan.FromMilliseconds(50));
        var dead = await h.WaitForStateAsync(id, TaskState.Dead, advance: TimeSpan.FromMilliseconds(50));

        // Assert: base 2 s doubling (no jitter in tests): 2 s after attempt 1, 4 s after attempt 2.
        AssertRetryDelay(first, TimeSpan.FromSeconds(2));
        AssertRetryDelay(second, TimeSpan.FromSeconds(4));
        Assert.Equal(3, dead.Attempt);
        Assert.Equal(3, calls);
        Assert.Equal("System.InvalidOperationException", dead.LastError!.Type);
        Assert.Equal("card declined", dead.LastError.Message);
        Assert.Equal(3, h.Worker.Failed);
    }

    [Fact]
    public async Task Execute_HandlerIgnoresNothingButRunsPastTimeout_TimedOutAndDead()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.slow", async (_, ctx) =>
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken)), storage: Kind);

        // Act
        var id = await h.Client.EnqueueAsync("orders.slow", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 1, Timeout = TimeSpan.FromSeconds(3) });
        var dead = await h.WaitForStateAsync(id, TaskState.Dead, advance: TimeSpan.FromMilliseconds(200));

        // Assert
        Assert.Equal(TaskExecutor.TimeoutError, dead.LastError!.Type);
        Assert.Contains("ran past its timeout of 00:00:03", dead.LastError.Message);
        Assert.Null(h.ExitCode);
    }

    [Fact]
    public async Task Execute_UnknownTaskType_DeadAtOnceNamingTypeAndRegisteredOnes()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) => ValueTask.CompletedTask), storage: Kind);

        var id = await h.Client.EnqueueJsonAsync("reports.generate", "{}", new EnqueueOptions { MaxAttempts = 5 });
        var dead = await h.WaitForStateAsync(id, TaskState.Dead);

        Assert.Equal(1, dead.Attempt);
        Assert.Equal(TaskExecutor.UnknownTaskTypeError, dead.LastError!.Type);
        Assert.Contains("No handler is registered for task type 'reports.generate'", dead.LastError.Message);
        Assert.Contains("'orders.pay'", dead.LastError.Message);
        Assert.Contains("'vigil.probe'", dead.LastError.Message);
    }

    [Fact]
    public async Task Execute_PayloadDoesNotFitHandlerType_DeadAtOnceWithJsonPath()
    {
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.CompletedTask;
        }), storage: Kind);

        var id = await h.Client.EnqueueJsonAsync("orders.pay", "{\"id\":\"not a number\"}", new EnqueueOptions { MaxAttempts = 5 });
        var dead = await h.WaitForStateAsync(id, TaskState.Dead);

        Assert.Equal(1, dead.Attempt);
        Assert.Equal(TaskExecutor.InvalidPayloadError, dead.LastError!.Type);
        Assert.Contains("at JSON path '$.id'", dead.LastError.Message);
        Assert.Contains(typeof(OrderPayload).FullName!, dead.LastError.Message);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Execute_JsonNullPayload_DeadAsInvalidPayload()
    {
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) => ValueTask.CompletedTask), storage: Kind);

        var id = await h.Client.EnqueueJsonAsync("orders.pay", "null");
        var dead = await h.WaitForStateAsync(id, TaskState.Dead);

        Assert.Equal(TaskExecutor.InvalidPayloadError, dead.LastError!.Type);
        Assert.Contains("JSON null", dead.LastError.Message);
    }

    [Fact]
    public async Task Execute_AfterBadInput_WorkerKeepsServingOtherTasks()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b => b
            .AddHandler<OrderPayload, ReceiptResult>("orders.pay", (p, _) => ValueTask.FromResult(new ReceiptResult(p.Id)))
            .AddHandler<OrderPayload>("orders.crash", (_, _) => throw new InvalidOperationException("crash")), storage: Kind);

        // Act: an unknown type, a payload of the wrong shape, a crashing handler, rejected enqueues, then good work.
        var unknown = await h.Client.EnqueueJsonAsync("nobody.handles", "{}");
        var invalid = await h.Client.EnqueueJsonAsync("orders.pay", "[1,2,3]");
        var crash = await h.Client.EnqueueAsync("orders.crash", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 1 });
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.EnqueueJsonAsync("orders.pay", "{oops").AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.EnqueueJsonAsync("orders.pay", new string('x', 2 * 1024 * 1024)).AsTask());
        var good = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            good.Add(await h.Client.EnqueueAsync("orders.pay", new OrderPayload(i)));
        }

        // Assert
        await h.WaitForStateAsync(unknown, TaskState.Dead);
        await h.WaitForStateAsync(invalid, TaskState.Dead);
        await h.WaitForStateAsync(crash, TaskState.Dead);
        foreach (var id in good)
        {
            var done = await h.WaitForStateAsync(id, TaskState.Succeeded);
            Assert.NotNull(done.Result);
        }
    }

    [Fact]
    public async Task Execute_ProbeTask_ServedByBuiltInHandlerOnSharedAndPrivateQueue()
    {
        await using var h = await VigilHarness.StartAsync(storage: Kind);

        var shared = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{\"sentAt\":\"2030-01-01T00:00:00Z\"}");
        var mine = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "42", new EnqueueOptions { Queue = h.Worker.PrivateQueue });

        Assert.Equal(TaskState.Succeeded, (await h.WaitForStateAsync(shared, TaskState.Succeeded)).State);
        var probe = await h.WaitForStateAsync(mine, TaskState.Succeeded);
        Assert.Equal(h.Worker.PrivateQueue, probe.Queue);
    }

    [Fact]
    public async Task Execute_ScheduledAndDelayedTasks_RunOnlyWhenDue()
    {
        // Arrange
        var ran = new System.Collections.Concurrent.ConcurrentDictionary<int, DateTimeOffset>();
        FakeTimeHolder? clock = null;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.later", (p, _) =>
        {
            ran[p.Id] = clock!.Now();
            return ValueTask.CompletedTask;
        }), storage: Kind);
        clock = new FakeTimeHolder(h.Time);
        var start = h.Time.GetUtcNow();

        // Act
        var delayed = await h.Client.EnqueueAsync("orders.later", new OrderPayload(1), new EnqueueOptions { Delay = TimeSpan.FromMinutes(2) });
        var scheduled = await h.Client.EnqueueAsync("orders.later", new OrderPayload(2), new EnqueueOptions { ScheduledAt = start.AddMinutes(5) });
        var stored = await h.Storage.GetTaskAsync(delayed, CancellationToken.None);

        // Assert
        Assert.Equal(TaskState.Scheduled, stored!.State);
        Assert.Equal(start.AddMinutes(2), stored.DueAt);
        await h.WaitForStateAsync(delayed, TaskState.Succeeded, advance: TimeSpan.FromSeconds(5));
        await h.WaitForStateAsync(scheduled, TaskState.Succeeded, advance: TimeSpan.FromSeconds(5));
        Assert.True(ran[1] >= start.AddMinutes(2), $"delayed task ran at {ran[1]}, before its due time");
        Assert.True(ran[2] >= start.AddMinutes(5), $"scheduled task ran at {ran[2]}, before its due time");
    }

    [Fact]
    public async Task Enqueue_SameIdempotencyKeyTwice_OneTaskRunsOnce()
    {
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.CompletedTask;
        }), storage: Kind);
        var options = new EnqueueOptions { IdempotencyKey = "order-7", Delay = TimeSpan.FromSeconds(10) };

        var first = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(7), options);
        var second = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(7), options);
        await h.WaitForStateAsync(first, TaskState.Succeeded, advance: TimeSpan.FromSeconds(1));

        Assert.Equal(first, second);
        Assert.Equal(1, calls);
        var page = await h.Client.ListTasksAsync(new Storage.TaskQuery { Type = "orders.pay" });
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Execute_ClaimedAfterLastAttempt_DeadAsAttemptsExhaustedWithoutRunning()
    {
        // Arrange: a worker that vanished mid-run on the task's last attempt (claimed directly, never completed).
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.CompletedTask;
        }), options: o => o.RunWorker = false, storage: Kind);
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 1 });
        var claimed = await h.Storage.ClaimAsync(
            new Storage.ClaimRequest { WorkerId = "vanished-1-abcd", Queues = ["default"], MaxCount = 1, LeaseDuration = TimeSpan.FromSeconds(30) },
            CancellationToken.None);
        Assert.Single(claimed);

        // Act: a live worker starts; the vanished worker's lease expires.
        await h.Worker.StartAsync(CancellationToken.None);
        var dead = await h.WaitForStateAsync(id, TaskState.Dead, advance: TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal(TaskExecutor.AttemptsExhaustedError, dead.LastError!.Type);
        Assert.Equal(0, calls);
        await h.Worker.StopAsync(CancellationToken.None);
    }

    private static void AssertRetryDelay(TaskRecord task, TimeSpan expected)
    {
        var ended = task.Timeline.LastOrDefault(a => a.EndedAt is not null)?.EndedAt;
        Assert.NotNull(task.DueAt);
        Assert.NotNull(ended);
        var delay = task.DueAt!.Value - ended!.Value;

        // Fake time moves only between polls, by 50 ms at most between the worker's clock read and the storage's.
        Assert.InRange(delay, expected - TimeSpan.FromMilliseconds(100), expected + TimeSpan.FromMilliseconds(100));
    }

    private sealed class FakeTimeHolder(TimeProvider time)
    {
        public DateTimeOffset Now() => time.GetUtcNow();
    }
}
