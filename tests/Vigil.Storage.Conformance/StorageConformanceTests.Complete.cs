using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task CompleteAsync_Succeeded_StoresResultClosesAttemptAndCounts()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Time.Advance(TimeSpan.FromSeconds(2));

        // Act
        var completed = await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Succeeded, runTime: TimeSpan.FromMilliseconds(1500), result: """{"ok":1}"""),
            CancellationToken.None);

        // Assert
        Assert.True(completed);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Succeeded, record.State);
        Assert.Equal("""{"ok":1}""", record.Result);
        Assert.Equal(Now, record.FinishedAt);
        Assert.Null(record.LeaseOwner);
        Assert.Null(record.LeaseExpiresAt);
        Assert.Equal(1, record.Attempt);
        var attempt = Assert.Single(record.Timeline);
        Assert.Equal(Now, attempt.EndedAt);
        Assert.Equal("succeeded", attempt.Outcome);
        Assert.Null(attempt.Error);

        var totals = await TotalsAsync(storage);
        Assert.Equal(1, totals.Succeeded);
        Assert.Equal(0, totals.Failed);
        Assert.Equal(1, totals.RunCount);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), totals.RunTimeTotal);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), totals.RunTimeMax);
    }

    [Fact]
    public async Task CompleteAsync_SucceededWithoutResult_StoresNullResult()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage);

        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));

        Assert.Null((await GetAsync(storage, claimed.Id)).Result);
    }

    [Fact]
    public async Task CompleteAsync_Retry_WaitsForRetryAtWithTheError()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        var error = new TaskError("System.IO.IOException", "disk on fire", "   at Somewhere()");
        var retryAt = Now.AddSeconds(10);

        // Act
        var completed = await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Retry, error: error, retryAt: retryAt), CancellationToken.None);

        // Assert
        Assert.True(completed);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Retrying, record.State);
        Assert.Equal(retryAt, record.DueAt);
        Assert.Equal(error, record.LastError);
        Assert.Null(record.FinishedAt);
        Assert.Null(record.LeaseOwner);
        var attempt = Assert.Single(record.Timeline);
        Assert.Equal("failed", attempt.Outcome);
        Assert.Equal(error, attempt.Error);
        Assert.Equal(Now, attempt.EndedAt);

        var totals = await TotalsAsync(storage);
        Assert.Equal(1, totals.Failed);
        Assert.Equal(1, totals.Retried);
        Assert.Equal(0, totals.TimedOut);
        Assert.Equal(0, totals.Dead);
        Assert.Equal(1, totals.RunCount);
    }

    [Fact]
    public async Task CompleteAsync_Retry_TaskIsClaimableAgainAtRetryAtWithTheNextAttempt()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m"), retryAt: Now.AddSeconds(10)),
            CancellationToken.None));

        Time.Advance(TimeSpan.FromMilliseconds(9_999));
        var early = await storage.ClaimAsync(Claim("worker-b", 5), CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        var again = await storage.ClaimAsync(Claim("worker-b", 5), CancellationToken.None);

        Assert.Empty(early);
        var second = Assert.Single(again);
        Assert.Equal(2, second.Attempt);
        Assert.False(second.TakenOver);
        Assert.Equal(TimeSpan.Zero, second.WaitTime);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Running, record.State);
        Assert.Equal([1, 2], record.Timeline.Select(a => a.Number));
        Assert.Equal(["worker-a", "worker-b"], record.Timeline.Select(a => a.WorkerId));
    }

    [Fact]
    public async Task CompleteAsync_RetryWithoutRetryAt_IsReadyAtOnce()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");

        Assert.True(await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m")), CancellationToken.None));
        var again = await storage.ClaimAsync(Claim("worker-a", 1), CancellationToken.None);

        Assert.Equal(2, Assert.Single(again).Attempt);
    }

    [Fact]
    public async Task CompleteAsync_RetryTimedOut_CountsTimedOutAndFailed()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");

        Assert.True(await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Retry, error: new TaskError("System.TimeoutException", "too slow"),
                retryAt: Now.AddSeconds(1), timedOut: true),
            CancellationToken.None));

        var attempt = Assert.Single((await GetAsync(storage, claimed.Id)).Timeline);
        Assert.Equal("timed-out", attempt.Outcome);
        var totals = await TotalsAsync(storage);
        Assert.Equal(1, totals.TimedOut);
        Assert.Equal(1, totals.Failed);
        Assert.Equal(1, totals.Retried);
    }

    [Fact]
    public async Task CompleteAsync_Dead_IsTerminalKeepsTheErrorAndCounts()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        var error = new TaskError("Vigil.UnknownTaskType", "No handler for 'test.work'.");

        // Act
        var completed = await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Dead, error: error, timedOut: true), CancellationToken.None);

        // Assert
        Assert.True(completed);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Dead, record.State);
        Assert.Equal(error, record.LastError);
        Assert.Equal(Now, record.FinishedAt);
        Assert.Null(record.LeaseOwner);
        var attempt = Assert.Single(record.Timeline);
        Assert.Equal("dead", attempt.Outcome);
        Assert.Equal(error, attempt.Error);
        Assert.Empty(await storage.ClaimAsync(Claim("worker-a", 5), CancellationToken.None));

        var totals = await TotalsAsync(storage);
        Assert.Equal(1, totals.Dead);
        Assert.Equal(1, totals.Failed);
        Assert.Equal(1, totals.TimedOut);
        Assert.Equal(0, totals.Retried);
        Assert.Equal(1, totals.RunCount);
    }

    [Fact]
    public async Task CompleteAsync_Cancelled_IsTerminal()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CancelAsync(claimed.Id, CancellationToken.None));

        var completed = await storage.CompleteAsync(Completion(claimed, "worker-a", CompletionOutcome.Cancelled), CancellationToken.None);

        Assert.True(completed);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Cancelled, record.State);
        Assert.Equal(Now, record.FinishedAt);
        Assert.Null(record.LeaseOwner);
        Assert.Equal("cancelled", Assert.Single(record.Timeline).Outcome);
        Assert.Empty(await storage.ClaimAsync(Claim("worker-a", 5), CancellationToken.None));
        var totals = await TotalsAsync(storage);
        Assert.Equal(0, totals.Succeeded + totals.Failed + totals.Dead);
    }

    [Fact]
    public async Task CompleteAsync_Released_QueuesTheTaskAgainWithoutSpendingAnAttempt()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a", NewTask(maxAttempts: 2));
        Time.Advance(TimeSpan.FromSeconds(1));

        // Act
        var completed = await storage.CompleteAsync(Completion(claimed, "worker-a", CompletionOutcome.Released), CancellationToken.None);
        var record = await GetAsync(storage, claimed.Id);
        var again = await ClaimOneAsync(storage, "worker-b");

        // Assert: the budget left (MaxAttempts - Attempt) is what it was before the released attempt.
        Assert.True(completed);
        Assert.Equal(TaskState.Queued, record.State);
        Assert.Null(record.LeaseOwner);
        Assert.Null(record.FinishedAt);
        Assert.Equal(2, record.MaxAttempts - record.Attempt);
        Assert.Equal("released", Assert.Single(record.Timeline).Outcome);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(2, again.MaxAttempts - again.Attempt + 1);
        Assert.False(again.TakenOver);
        var totals = await TotalsAsync(storage);
        Assert.Equal(0, totals.Succeeded + totals.Failed + totals.Retried + totals.Dead);
    }

    [Fact]
    public async Task CompleteAsync_StatisticsAreBucketedByMinuteQueueAndType()
    {
        // Arrange: one success in minute 0 (q1/t.a), one in minute 1 (q1/t.b), one failure in minute 1 (q2/t.a).
        var storage = await CreateSutAsync();
        var a = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "q1", type: "t.a"));
        Assert.True(await storage.CompleteAsync(Completion(a, "worker-a", CompletionOutcome.Succeeded, runTime: TimeSpan.FromSeconds(1)), CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(61));
        var b = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "q1", type: "t.b"));
        Assert.True(await storage.CompleteAsync(Completion(b, "worker-a", CompletionOutcome.Succeeded, runTime: TimeSpan.FromSeconds(3)), CancellationToken.None));
        var c = await EnqueueAndClaimAsync(storage, task: NewTask(queue: "q2", type: "t.a"));
        Assert.True(await storage.CompleteAsync(
            Completion(c, "worker-a", CompletionOutcome.Dead, runTime: TimeSpan.FromSeconds(2), error: new TaskError("E", "m")), CancellationToken.None));
        var minute0 = Start;
        var minute1 = Start.AddMinutes(1);

        // Act
        var all = await storage.GetStatisticsAsync(new() { From = minute0, To = minute0.AddMinutes(2) }, CancellationToken.None);
        var onlyMinute0 = await storage.GetStatisticsAsync(new() { From = minute0, To = minute1 }, CancellationToken.None);
        var onlyQ1 = await storage.GetStatisticsAsync(new() { From = minute0, To = minute0.AddMinutes(2), Queue = "q1" }, CancellationToken.None);
        var onlyTypeA = await storage.GetStatisticsAsync(new() { From = minute0, To = minute0.AddMinutes(2), Type = "t.a" }, CancellationToken.None);
        var later = await storage.GetStatisticsAsync(new() { From = minute0.AddMinutes(2), To = minute0.AddMinutes(10) }, CancellationToken.None);

        // Assert
        Assert.Equal(3, all.Count);
        Assert.Equal([minute0, minute1, minute1], all.Select(s => s.Minute));
        Assert.All(all, s => Assert.Equal(1, s.Enqueued));
        Assert.All(all, s => Assert.Equal(1, s.WaitCount));
        var q1a = Assert.Single(onlyMinute0);
        Assert.Equal(("q1", "t.a", 1L, 1L, TimeSpan.FromSeconds(1)), (q1a.Queue, q1a.Type, q1a.Succeeded, q1a.RunCount, q1a.RunTimeTotal));
        Assert.Equal(["t.a", "t.b"], onlyQ1.Select(s => s.Type));
        Assert.Equal(["q1", "q2"], onlyTypeA.Select(s => s.Queue));
        var q2a = onlyTypeA[1];
        Assert.Equal((minute1, 1L, 1L, 0L, TimeSpan.FromSeconds(2)), (q2a.Minute, q2a.Dead, q2a.Failed, q2a.Succeeded, q2a.RunTimeMax));
        Assert.Empty(later);
    }

    [Fact]
    public async Task CompleteAsync_RunTimeMaxIsTheLongest()
    {
        var storage = await CreateSutAsync();
        foreach (var seconds in new[] { 2, 7, 3 })
        {
            var claimed = await EnqueueAndClaimAsync(storage);
            Assert.True(await storage.CompleteAsync(
                Completion(claimed, "worker-a", CompletionOutcome.Succeeded, runTime: TimeSpan.FromSeconds(seconds)), CancellationToken.None));
        }

        var totals = await TotalsAsync(storage);

        Assert.Equal(3, totals.RunCount);
        Assert.Equal(TimeSpan.FromSeconds(12), totals.RunTimeTotal);
        Assert.Equal(TimeSpan.FromSeconds(7), totals.RunTimeMax);
    }
}
