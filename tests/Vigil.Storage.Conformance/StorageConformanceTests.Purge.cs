using Vigil.Realtime;
using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task PurgeAsync_RemovesTerminalTasksFinishedBeforeTheirCutoffOnly()
    {
        // Arrange: at Start one task of each state; an hour later one more success.
        var storage = await CreateSutAsync();
        var succeeded = await FinishAsync(storage, CompletionOutcome.Succeeded);
        var cancelled = await FinishAsync(storage, CompletionOutcome.Cancelled);
        var dead = await FinishAsync(storage, CompletionOutcome.Dead);
        var queued = NewTask(queue: "other");
        var scheduled = NewTask(queue: "other", dueAt: Start.AddDays(30));
        await storage.EnqueueAsync([queued, scheduled], CancellationToken.None);
        var running = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "busy"));
        var retrying = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(
            Completion(retrying, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m"), retryAt: Start.AddDays(30)),
            CancellationToken.None));
        Time.Advance(TimeSpan.FromHours(1));
        var recent = await FinishAsync(storage, CompletionOutcome.Succeeded);
        Time.Advance(TimeSpan.FromDays(10));

        // Act: succeeded/cancelled finished before Start+1h go (the one at exactly Start+1h stays); dead ones before Start stay.
        var removed = await storage.PurgeAsync(Start.AddHours(1), Start, Start, CancellationToken.None);
        var removedDead = await storage.PurgeAsync(Start.AddHours(1), Start.AddMilliseconds(1), Start, CancellationToken.None);

        // Assert
        Assert.Equal(2, removed);
        Assert.Equal(1, removedDead);
        Assert.Null(await storage.GetTaskAsync(succeeded, CancellationToken.None));
        Assert.Null(await storage.GetTaskAsync(cancelled, CancellationToken.None));
        Assert.Null(await storage.GetTaskAsync(dead, CancellationToken.None));
        foreach (var kept in new[] { recent, queued.Id, scheduled.Id, running.Id, retrying.Id })
        {
            Assert.NotNull(await storage.GetTaskAsync(kept, CancellationToken.None));
        }

        Assert.Equal(5, (await storage.ListTasksAsync(new TaskQuery(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task PurgeAsync_RemovesOldStatisticsEventsAndStaleWorkers()
    {
        // Arrange: at Start a bucket, an event and a heartbeat; two minutes later the same again.
        var storage = await CreateSutAsync();
        var cursor = (await storage.ReadEventsAsync(null, 10, CancellationToken.None)).Cursor;
        await EnqueueOneAsync(storage, NewTask());
        await storage.PublishEventAsync(new VigilEvent { Kind = "old", At = Now }, CancellationToken.None);
        await storage.RecordHeartbeatAsync(Heartbeat("worker-old", "default"), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(2));
        await EnqueueOneAsync(storage, NewTask());
        await storage.PublishEventAsync(new VigilEvent { Kind = "new", At = Now }, CancellationToken.None);
        await storage.RecordHeartbeatAsync(Heartbeat("worker-new", "default"), CancellationToken.None);

        // Act
        var removed = await storage.PurgeAsync(Start.AddDays(-1), Start.AddDays(-1), Start.AddMinutes(1), CancellationToken.None);

        // Assert
        Assert.Equal(0, removed);
        var buckets = await storage.GetStatisticsAsync(new() { From = Start, To = Start.AddMinutes(10) }, CancellationToken.None);
        Assert.Equal(Start.AddMinutes(2), Assert.Single(buckets).Minute);
        var events = await storage.ReadEventsAsync(cursor, 10, CancellationToken.None);
        Assert.Equal("new", Assert.Single(events.Events).Kind);
        Assert.Equal("worker-new", Assert.Single(await storage.GetWorkersAsync(CancellationToken.None)).WorkerId);
        Assert.Equal(2, (await storage.ListTasksAsync(new TaskQuery(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task PurgeAsync_NothingToRemove_ReturnsZero()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask());

        Assert.Equal(0, await storage.PurgeAsync(Now, Now, Now.AddDays(-1), CancellationToken.None));
    }

    /// <summary>Enqueues, claims and completes a task with <paramref name="outcome"/>; returns its id.</summary>
    private async Task<string> FinishAsync(IVigilStorage storage, CompletionOutcome outcome)
    {
        var claimed = await EnqueueAndClaimAsync(storage);
        var error = outcome == CompletionOutcome.Dead ? new TaskError("E", "m") : null;
        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", outcome, error: error), CancellationToken.None));
        return claimed.Id;
    }
}
