using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task GetQueuesAsync_NothingStored_ReturnsEmpty()
    {
        var storage = await CreateSutAsync();

        Assert.Empty(await storage.GetQueuesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetQueuesAsync_CountsReadyDelayedRunningAndDead()
    {
        // Arrange, in queue "work": 1 retrying later (failed at Start), 1 queued at Start+1s, 1 scheduled;
        // in "side": 1 running; in "x": 1 dead and 1 succeeded at Start+1s.
        var storage = await CreateSutAsync();
        await ClaimAndRequeueAsync(storage, "work", TimeSpan.FromMinutes(10));
        Time.Advance(TimeSpan.FromSeconds(1));
        await storage.EnqueueAsync([NewTask(queue: "work"), NewTask(queue: "work", dueAt: Start.AddHours(1))], CancellationToken.None);
        await EnqueueAndClaimAsync(storage, task: NewTask(queue: "side"));
        var dead = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "x"));
        Assert.True(await storage.CompleteAsync(Completion(dead, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "m")), CancellationToken.None));
        var succeeded = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "x"));
        Assert.True(await storage.CompleteAsync(Completion(succeeded, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(1));

        // Act
        var queues = await storage.GetQueuesAsync(CancellationToken.None);

        // Assert
        Assert.Equal(["side", "work", "x"], queues.Select(q => q.Name));
        var work = queues[1];
        Assert.Equal(1, work.Ready);
        Assert.Equal(2, work.Delayed);
        Assert.Equal(0, work.Running);
        Assert.Equal(0, work.Dead);
        Assert.Equal(Start.AddSeconds(1), work.OldestReadySince);
        Assert.Null(work.LastSucceededAt);
        var side = queues[0];
        Assert.Equal((0L, 0L, 1L, 0L), (side.Ready, side.Delayed, side.Running, side.Dead));
        Assert.Null(side.OldestReadySince);
        var x = queues[2];
        Assert.Equal((0L, 0L, 0L, 1L), (x.Ready, x.Delayed, x.Running, x.Dead));
        Assert.Equal(Start.AddSeconds(1), x.LastSucceededAt);
    }

    [Fact]
    public async Task GetQueuesAsync_ScheduledTaskWhoseTimeCame_CountsAsReadySinceItsDueTime()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(dueAt: Start.AddSeconds(10)));
        Time.Advance(TimeSpan.FromSeconds(30));

        var summary = Assert.Single(await storage.GetQueuesAsync(CancellationToken.None));

        Assert.Equal(1, summary.Ready);
        Assert.Equal(0, summary.Delayed);
        Assert.Equal(Start.AddSeconds(10), summary.OldestReadySince);
    }

    [Fact]
    public async Task GetQueuesAsync_IncludesQueuesThatOnlyAWorkerConsumes()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(queue: "with-tasks"));
        await storage.RecordHeartbeatAsync(Heartbeat("worker-1", "idle-b", "idle-a", "with-tasks"), CancellationToken.None);

        var queues = await storage.GetQueuesAsync(CancellationToken.None);

        Assert.Equal(["idle-a", "idle-b", "with-tasks"], queues.Select(q => q.Name));
        Assert.All(queues.Take(2), q => Assert.Equal((0L, 0L, 0L, 0L, (DateTimeOffset?)null), (q.Ready, q.Delayed, q.Running, q.Dead, q.OldestReadySince)));
        Assert.Equal(1, queues[2].Ready);
    }

    [Fact]
    public async Task GetQueuesAsync_LastSucceededAtIsTheLatestSuccess()
    {
        var storage = await CreateSutAsync();
        var first = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(Completion(first, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(3));
        var second = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(Completion(second, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(3));
        var failed = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(Completion(failed, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "m")), CancellationToken.None));

        var summary = Assert.Single(await storage.GetQueuesAsync(CancellationToken.None));

        Assert.Equal(Start.AddMinutes(3), summary.LastSucceededAt);
    }

    /// <summary>Enqueues a task in <paramref name="queue"/>, claims it and fails it with a retry after <paramref name="backoff"/>.</summary>
    private async Task<ClaimedTask> ClaimAndRequeueAsync(IVigilStorage storage, string queue, TimeSpan backoff)
    {
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a", NewTask(queue: queue));
        Assert.True(await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m"), retryAt: Now + backoff),
            CancellationToken.None));
        return claimed;
    }

    /// <summary>A heartbeat written now.</summary>
    protected WorkerHeartbeat Heartbeat(string workerId, params string[] queues) => new()
    {
        WorkerId = workerId,
        Host = "host-1",
        ProcessId = 4242,
        Queues = queues,
        Concurrency = 8,
        Status = "running",
        StartedAt = Start,
        HeartbeatAt = Now,
        LoopTickAt = Now,
    };
}
