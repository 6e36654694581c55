using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task GetTaskAsync_Unknown_ReturnsNull()
    {
        var storage = await CreateSutAsync();

        Assert.Null(await storage.GetTaskAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    // ---- Listing ----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ListTasksAsync_NewestFirstWithTotalAndNoTimeline()
    {
        var storage = await CreateSutAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await EnqueueOneAsync(storage, NewTask()));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await ClaimOneAsync(storage, "worker-a");
        var page = await storage.ListTasksAsync(new TaskQuery(), CancellationToken.None);

        Assert.Equal(5, page.Total);
        Assert.Equal(Enumerable.Reverse(ids), page.Tasks.Select(t => t.Id));
        Assert.All(page.Tasks, t => Assert.Empty(t.Timeline));
        Assert.Equal(TaskState.Running, page.Tasks[^1].State);
        Assert.Equal("worker-a", page.Tasks[^1].LeaseOwner);
    }

    [Fact]
    public async Task ListTasksAsync_SameMillisecond_NewestFirstByEnqueueOrder()
    {
        var storage = await CreateSutAsync();
        var tasks = Enumerable.Range(0, 10).Select(_ => NewTask()).ToList();
        await storage.EnqueueAsync(tasks, CancellationToken.None);

        var page = await storage.ListTasksAsync(new TaskQuery { Limit = 10 }, CancellationToken.None);

        Assert.Equal(tasks.Select(t => t.Id).Reverse(), page.Tasks.Select(t => t.Id));
    }

    [Fact]
    public async Task ListTasksAsync_FiltersByQueueStateAndType()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var aQueued = NewTask(queue: "a", type: "t.x");
        var aScheduled = NewTask(queue: "a", type: "t.y", dueAt: Start.AddHours(1));
        var bQueued = NewTask(queue: "b", type: "t.x");
        await storage.EnqueueAsync([aQueued, aScheduled, bQueued], CancellationToken.None);

        // Act
        var byQueue = await storage.ListTasksAsync(new TaskQuery { Queue = "a" }, CancellationToken.None);
        var byState = await storage.ListTasksAsync(new TaskQuery { State = TaskState.Queued }, CancellationToken.None);
        var byType = await storage.ListTasksAsync(new TaskQuery { Type = "t.x" }, CancellationToken.None);
        var all3 = await storage.ListTasksAsync(new TaskQuery { Queue = "a", State = TaskState.Queued, Type = "t.x" }, CancellationToken.None);
        var none = await storage.ListTasksAsync(new TaskQuery { Queue = "a", State = TaskState.Dead }, CancellationToken.None);

        // Assert
        Assert.Equal([aScheduled.Id, aQueued.Id], byQueue.Tasks.Select(t => t.Id));
        Assert.Equal(2, byQueue.Total);
        Assert.Equal([bQueued.Id, aQueued.Id], byState.Tasks.Select(t => t.Id));
        Assert.Equal([bQueued.Id, aQueued.Id], byType.Tasks.Select(t => t.Id));
        Assert.Equal(aQueued.Id, Assert.Single(all3.Tasks).Id);
        Assert.Equal(1, all3.Total);
        Assert.Empty(none.Tasks);
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task ListTasksAsync_OffsetAndLimit_PageThroughTheMatches()
    {
        var storage = await CreateSutAsync();
        var tasks = Enumerable.Range(0, 7).Select(_ => NewTask()).ToList();
        await storage.EnqueueAsync(tasks, CancellationToken.None);
        var newestFirst = tasks.Select(t => t.Id).Reverse().ToList();

        var first = await storage.ListTasksAsync(new TaskQuery { Limit = 3 }, CancellationToken.None);
        var second = await storage.ListTasksAsync(new TaskQuery { Offset = 3, Limit = 3 }, CancellationToken.None);
        var third = await storage.ListTasksAsync(new TaskQuery { Offset = 6, Limit = 3 }, CancellationToken.None);
        var beyond = await storage.ListTasksAsync(new TaskQuery { Offset = 10, Limit = 3 }, CancellationToken.None);

        Assert.Equal(newestFirst[..3], first.Tasks.Select(t => t.Id));
        Assert.Equal(newestFirst[3..6], second.Tasks.Select(t => t.Id));
        Assert.Equal(newestFirst[6..], third.Tasks.Select(t => t.Id));
        Assert.Empty(beyond.Tasks);
        Assert.All([first, second, third, beyond], p => Assert.Equal(7, p.Total));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1001)]
    [InlineData(-1, 10)]
    public async Task ListTasksAsync_PageOutOfRange_ThrowsArgumentOutOfRange(int offset, int limit)
    {
        var storage = await CreateSutAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            async () => await storage.ListTasksAsync(new TaskQuery { Offset = offset, Limit = limit }, CancellationToken.None));
    }

    // ---- Cancel -----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task CancelAsync_QueuedScheduledOrRetrying_CancelsAtOnce()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var queued = NewTask();
        var scheduled = NewTask(dueAt: Start.AddHours(1));
        await storage.EnqueueAsync([queued, scheduled], CancellationToken.None);
        var retrying = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "r"));
        Assert.True(await storage.CompleteAsync(
            Completion(retrying, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m"), retryAt: Now), CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(1));

        // Act & Assert
        foreach (var id in new[] { queued.Id, scheduled.Id, retrying.Id })
        {
            Assert.True(await storage.CancelAsync(id, CancellationToken.None));
            var record = await GetAsync(storage, id);
            Assert.Equal(TaskState.Cancelled, record.State);
            Assert.Equal(Now, record.FinishedAt);
        }

        Time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await storage.ClaimAsync(Claim("worker-a", 10, "default", "r"), CancellationToken.None));
    }

    [Fact]
    public async Task CancelAsync_Running_RequestsCancellationAndKeepsItRunning()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");

        var cancelled = await storage.CancelAsync(claimed.Id, CancellationToken.None);
        var again = await storage.CancelAsync(claimed.Id, CancellationToken.None);

        Assert.True(cancelled);
        Assert.True(again);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Running, record.State);
        Assert.True(record.CancelRequested);
        Assert.Equal("worker-a", record.LeaseOwner);
        Assert.Null(record.FinishedAt);
    }

    [Fact]
    public async Task CancelAsync_RunningTaskTakenOver_NewOwnerSeesTheRequest()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CancelAsync(claimed.Id, CancellationToken.None));
        Time.Advance(Lease);

        var takenOver = await ClaimOneAsync(storage, "worker-b");
        var renewals = await storage.RenewLeasesAsync("worker-b", [takenOver.Id], Lease, CancellationToken.None);

        Assert.Equal(new LeaseRenewal(claimed.Id, true, true), Assert.Single(renewals));
    }

    [Theory]
    [InlineData(CompletionOutcome.Succeeded)]
    [InlineData(CompletionOutcome.Dead)]
    [InlineData(CompletionOutcome.Cancelled)]
    public async Task CancelAsync_Terminal_ReturnsFalseAndChangesNothing(CompletionOutcome outcome)
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage);
        var error = outcome == CompletionOutcome.Dead ? new TaskError("E", "m") : null;
        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", outcome, error: error), CancellationToken.None));
        var before = await GetAsync(storage, claimed.Id);
        Time.Advance(TimeSpan.FromSeconds(5));

        var cancelled = await storage.CancelAsync(claimed.Id, CancellationToken.None);

        Assert.False(cancelled);
        var after = await GetAsync(storage, claimed.Id);
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.FinishedAt, after.FinishedAt);
    }

    [Fact]
    public async Task CancelAsync_Unknown_ReturnsFalse()
    {
        var storage = await CreateSutAsync();

        Assert.False(await storage.CancelAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    // ---- Retry by hand ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task RetryAsync_Dead_QueuesItAgainWithAFreshBudgetAndKeepsTheTimeline()
    {
        // Arrange: a task with 2 attempts fails twice and is dead.
        var storage = await CreateSutAsync();
        var first = await EnqueueAndClaimAsync(storage, task: NewTask(maxAttempts: 2));
        Assert.True(await storage.CompleteAsync(
            Completion(first, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "1"), retryAt: Now), CancellationToken.None));
        var second = await ClaimOneAsync(storage, "worker-a");
        Assert.True(await storage.CompleteAsync(
            Completion(second, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "2")), CancellationToken.None));
        Time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var retried = await storage.RetryAsync(first.Id, CancellationToken.None);

        // Assert
        Assert.True(retried);
        var record = await GetAsync(storage, first.Id);
        Assert.Equal(TaskState.Queued, record.State);
        Assert.Null(record.FinishedAt);
        Assert.Equal(2, record.MaxAttempts - record.Attempt);
        Assert.Equal(2, record.Timeline.Count);
        var third = await ClaimOneAsync(storage, "worker-b");
        Assert.Equal(3, third.Attempt);
        Assert.Equal(third.Attempt + 1, third.MaxAttempts);
        Assert.Equal(TimeSpan.Zero, third.WaitTime);
        Assert.Equal([1, 2, 3], (await GetAsync(storage, first.Id)).Timeline.Select(a => a.Number));
    }

    [Fact]
    public async Task RetryAsync_CancelledBeforeRunning_QueuesItAgain()
    {
        var storage = await CreateSutAsync();
        var task = NewTask(maxAttempts: 3);
        await EnqueueOneAsync(storage, task);
        Assert.True(await storage.CancelAsync(task.Id, CancellationToken.None));

        var retried = await storage.RetryAsync(task.Id, CancellationToken.None);

        Assert.True(retried);
        var record = await GetAsync(storage, task.Id);
        Assert.Equal(TaskState.Queued, record.State);
        Assert.False(record.CancelRequested);
        Assert.Equal(3, record.MaxAttempts - record.Attempt);
        Assert.Equal(1, (await ClaimOneAsync(storage, "worker-a")).Attempt);
    }

    [Fact]
    public async Task RetryAsync_CancelledWhileRunning_ClearsTheCancelRequest()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CancelAsync(claimed.Id, CancellationToken.None));
        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", CompletionOutcome.Cancelled), CancellationToken.None));

        Assert.True(await storage.RetryAsync(claimed.Id, CancellationToken.None));
        var again = await ClaimOneAsync(storage, "worker-a");
        var renewals = await storage.RenewLeasesAsync("worker-a", [again.Id], Lease, CancellationToken.None);

        Assert.Equal(new LeaseRenewal(claimed.Id, true, false), Assert.Single(renewals));
    }

    [Fact]
    public async Task RetryAsync_NotDeadOrCancelled_ReturnsFalse()
    {
        var storage = await CreateSutAsync();
        var queued = NewTask(queue: "other");
        await EnqueueOneAsync(storage, queued);
        var running = await EnqueueAndClaimAsync(storage);
        var succeeded = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(Completion(succeeded, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));

        Assert.False(await storage.RetryAsync(queued.Id, CancellationToken.None));
        Assert.False(await storage.RetryAsync(running.Id, CancellationToken.None));
        Assert.False(await storage.RetryAsync(succeeded.Id, CancellationToken.None));
        Assert.False(await storage.RetryAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
        Assert.Equal(TaskState.Succeeded, (await GetAsync(storage, succeeded.Id)).State);
        Assert.Equal(TaskState.Running, (await GetAsync(storage, running.Id)).State);
    }

    // ---- Delete -----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task DeleteAsync_NotRunning_RemovesTheTaskAndItsTimeline()
    {
        var storage = await CreateSutAsync();
        var queued = NewTask(queue: "other");
        await EnqueueOneAsync(storage, queued);
        var dead = await EnqueueAndClaimAsync(storage);
        Assert.True(await storage.CompleteAsync(Completion(dead, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "m")), CancellationToken.None));

        Assert.True(await storage.DeleteAsync(queued.Id, CancellationToken.None));
        Assert.True(await storage.DeleteAsync(dead.Id, CancellationToken.None));

        Assert.Null(await storage.GetTaskAsync(queued.Id, CancellationToken.None));
        Assert.Null(await storage.GetTaskAsync(dead.Id, CancellationToken.None));
        Assert.Empty(await storage.ClaimAsync(Claim("worker-a", 10, "other"), CancellationToken.None));
        Assert.Equal(0, (await storage.ListTasksAsync(new TaskQuery(), CancellationToken.None)).Total);
        Assert.False(await storage.DeleteAsync(queued.Id, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Running_ReturnsFalseAndKeepsIt()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage);

        Assert.False(await storage.DeleteAsync(claimed.Id, CancellationToken.None));
        Assert.Equal(TaskState.Running, (await GetAsync(storage, claimed.Id)).State);
    }

    [Fact]
    public async Task DeleteAsync_Unknown_ReturnsFalse()
    {
        var storage = await CreateSutAsync();

        Assert.False(await storage.DeleteAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_FreesTheIdempotencyKey()
    {
        var storage = await CreateSutAsync();
        var first = NewTask(key: "del");
        await EnqueueOneAsync(storage, first);
        Assert.True(await storage.DeleteAsync(first.Id, CancellationToken.None));
        var next = NewTask(key: "del");

        var results = await storage.EnqueueAsync([next], CancellationToken.None);

        Assert.Equal(new EnqueueResult(next.Id, false), Assert.Single(results));
    }
}
