using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>The engine reaching Redis through Sentinel (StackExchange.Redis's own <c>serviceName=</c> support).</summary>
public sealed class RedisSentinelTests(RedisSentinel sentinel) : IClassFixture<RedisSentinel>
{
    [Fact]
    public async Task ThroughSentinel_EnqueueClaimComplete_StoresOnTheMaster()
    {
        // Arrange
        var prefix = TestSupport.UniquePrefix("sen");
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = sentinel.Configuration, KeyPrefix = prefix });
        await using var owned = (IAsyncDisposable)storage;
        await storage.InitializeAsync(CancellationToken.None);
        var task = TestSupport.Task("mail") with { IdempotencyKey = "once" };

        // Act
        var enqueued = Assert.Single(await storage.EnqueueAsync([task], CancellationToken.None));
        var again = Assert.Single(await storage.EnqueueAsync([TestSupport.Task("mail") with { IdempotencyKey = "once" }], CancellationToken.None));
        var claimed = Assert.Single(await storage.ClaimAsync(
            new ClaimRequest { WorkerId = "w-1", Queues = ["mail"], MaxCount = 5, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None));
        var stored = await storage.CompleteAsync(
            new TaskCompletion { TaskId = claimed.Id, WorkerId = "w-1", Attempt = claimed.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(2) },
            CancellationToken.None);

        // Assert: the sentinel led the client to the master, where the task is stored and finished.
        Assert.Equal(new EnqueueResult(task.Id, false), enqueued);
        Assert.Equal(new EnqueueResult(task.Id, true), again);
        Assert.Equal(task.Id, claimed.Id);
        Assert.True(stored);
        Assert.Equal(TaskState.Succeeded, (await storage.GetTaskAsync(task.Id, CancellationToken.None))!.State);
        Assert.Equal("succeeded", await sentinel.Master.CommandAsync("HGET", $"{{{prefix}:mail}}:t:{task.Id}", "st"));
        Assert.Equal($"127.0.0.1:{sentinel.SentinelPort} (Sentinel service 'mymaster')", storage.Location);
    }

    [Fact]
    public async Task ThroughSentinel_WaitForWork_WakesUpOnEnqueue()
    {
        // Arrange: a waiting worker (the wake-up is pub/sub on the master the sentinel named).
        var prefix = TestSupport.UniquePrefix("sen");
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = sentinel.Configuration, KeyPrefix = prefix });
        await using var owned = (IAsyncDisposable)storage;
        await storage.InitializeAsync(CancellationToken.None);
        await storage.WaitForWorkAsync(["jobs"], TimeSpan.Zero, CancellationToken.None); // consumes the signal of the subscription itself
        var waiting = storage.WaitForWorkAsync(["jobs"], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();

        // Act: on the same connection, so Redis runs the waiter's "anything ready?" look before the enqueue, and only
        // the published wake-up can end the wait.
        await storage.EnqueueAsync([TestSupport.Task("jobs")], CancellationToken.None);

        // Assert: woken long before the 5-minute wait.
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
