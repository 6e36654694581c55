using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task ClaimAsync_QueuedTask_BecomesRunningUnderTheWorkersLease()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var task = NewTask(queue: "q1", type: "t.claim", payload: """{"x":true}""", maxAttempts: 4, timeout: TimeSpan.FromSeconds(12)) with
        {
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            TraceState = "a=b",
        };
        await EnqueueOneAsync(storage, task);
        Time.Advance(TimeSpan.FromSeconds(3));

        // Act
        var claimed = await ClaimOneAsync(storage, "worker-a", "q1");

        // Assert
        Assert.Equal(task.Id, claimed.Id);
        Assert.Equal("t.claim", claimed.Type);
        Assert.Equal("q1", claimed.Queue);
        Assert.Equal(task.Payload, claimed.Payload);
        Assert.Equal(1, claimed.Attempt);
        Assert.Equal(4, claimed.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(12), claimed.Timeout);
        Assert.Equal(Start, claimed.CreatedAt);
        Assert.Equal(TimeSpan.FromSeconds(3), claimed.WaitTime);
        Assert.Equal(Now + Lease, claimed.LeaseExpiresAt);
        Assert.False(claimed.TakenOver);
        Assert.Equal(task.TraceParent, claimed.TraceParent);
        Assert.Equal("a=b", claimed.TraceState);

        var record = await GetAsync(storage, task.Id);
        Assert.Equal(TaskState.Running, record.State);
        Assert.Equal(1, record.Attempt);
        Assert.Equal("worker-a", record.LeaseOwner);
        Assert.Equal(Now + Lease, record.LeaseExpiresAt);
        var attempt = Assert.Single(record.Timeline);
        Assert.Equal(1, attempt.Number);
        Assert.Equal("worker-a", attempt.WorkerId);
        Assert.Equal(Now, attempt.StartedAt);
        Assert.Null(attempt.EndedAt);
        Assert.Null(attempt.Outcome);
        Assert.Null(attempt.Error);
    }

    [Fact]
    public async Task ClaimAsync_NothingReady_ReturnsEmpty()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(dueAt: Start.AddMinutes(1)));

        var claimed = await storage.ClaimAsync(Claim("worker-a", 10), CancellationToken.None);

        Assert.Empty(claimed);
    }

    [Fact]
    public async Task ClaimAsync_ClaimsAtMostMaxCount()
    {
        var storage = await CreateSutAsync();
        await storage.EnqueueAsync(Enumerable.Range(0, 10).Select(_ => NewTask()).ToList(), CancellationToken.None);

        var first = await storage.ClaimAsync(Claim("worker-a", 4), CancellationToken.None);
        var second = await storage.ClaimAsync(Claim("worker-a", 100), CancellationToken.None);

        Assert.Equal(4, first.Count);
        Assert.Equal(6, second.Count);
        Assert.Empty(first.Select(t => t.Id).Intersect(second.Select(t => t.Id)));
    }

    [Fact]
    public async Task ClaimAsync_OldestReadyFirst()
    {
        var storage = await CreateSutAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await EnqueueOneAsync(storage, NewTask()));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var claimed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            claimed.Add((await ClaimOneAsync(storage, "worker-a")).Id);
        }

        Assert.Equal(ids, claimed);
    }

    [Fact]
    public async Task ClaimAsync_SameMillisecondInOneBatch_KeepsEnqueueOrder()
    {
        var storage = await CreateSutAsync();
        var tasks = Enumerable.Range(0, 20).Select(_ => NewTask()).ToList();
        await storage.EnqueueAsync(tasks, CancellationToken.None);

        var claimed = await storage.ClaimAsync(Claim("worker-a", 20), CancellationToken.None);

        Assert.Equal(tasks.Select(t => t.Id), claimed.Select(t => t.Id));
    }

    [Fact]
    public async Task ClaimAsync_ReadyScheduledTaskIsOrderedByItsDueTime()
    {
        var storage = await CreateSutAsync();
        var scheduled = NewTask(dueAt: Start.AddSeconds(5));
        await EnqueueOneAsync(storage, scheduled);
        Time.Advance(TimeSpan.FromSeconds(10));
        var queuedLater = await EnqueueOneAsync(storage, NewTask());

        var claimed = await storage.ClaimAsync(Claim("worker-a", 2), CancellationToken.None);

        Assert.Equal([scheduled.Id, queuedLater], claimed.Select(t => t.Id));
        Assert.Equal(TimeSpan.FromSeconds(5), claimed[0].WaitTime);
        Assert.Equal(TimeSpan.Zero, claimed[1].WaitTime);
    }

    [Fact]
    public async Task ClaimAsync_QueuesInPriorityOrder()
    {
        var storage = await CreateSutAsync();
        var low = NewTask(queue: "low");
        await EnqueueOneAsync(storage, low);
        Time.Advance(TimeSpan.FromSeconds(1));
        var high = NewTask(queue: "high");
        await EnqueueOneAsync(storage, high);

        var claimed = await storage.ClaimAsync(Claim("worker-a", 1, "high", "low"), CancellationToken.None);
        var next = await storage.ClaimAsync(Claim("worker-a", 5, "high", "low"), CancellationToken.None);

        Assert.Equal(high.Id, Assert.Single(claimed).Id);
        Assert.Equal(low.Id, Assert.Single(next).Id);
    }

    [Fact]
    public async Task ClaimAsync_LaterQueueGetsOnlyTheSlotsTheEarlierLeft()
    {
        var storage = await CreateSutAsync();
        var first = Enumerable.Range(0, 2).Select(_ => NewTask(queue: "first")).ToList();
        var second = Enumerable.Range(0, 5).Select(_ => NewTask(queue: "second")).ToList();
        await storage.EnqueueAsync(second, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        await storage.EnqueueAsync(first, CancellationToken.None);

        var claimed = await storage.ClaimAsync(Claim("worker-a", 3, "first", "second"), CancellationToken.None);

        Assert.Equal([first[0].Id, first[1].Id, second[0].Id], claimed.Select(t => t.Id));
        Assert.Equal(["first", "first", "second"], claimed.Select(t => t.Queue));
    }

    [Fact]
    public async Task ClaimAsync_OnlyFromTheGivenQueues()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(queue: "other"));
        await EnqueueOneAsync(storage, NewTask(queue: TaskNames.PrivateQueueFor("worker-b")));

        var claimed = await storage.ClaimAsync(Claim("worker-a", 10, "default", TaskNames.PrivateQueueFor("worker-a")), CancellationToken.None);

        Assert.Empty(claimed);
    }

    [Fact]
    public async Task ClaimAsync_ScheduledTask_NotBeforeItsDueTime()
    {
        var storage = await CreateSutAsync();
        var task = NewTask(dueAt: Start.AddSeconds(10));
        await EnqueueOneAsync(storage, task);

        Time.Advance(TimeSpan.FromMilliseconds(9_999));
        var early = await storage.ClaimAsync(Claim("worker-a", 1), CancellationToken.None);
        Time.Advance(TimeSpan.FromMilliseconds(3_001));
        var due = await storage.ClaimAsync(Claim("worker-a", 1), CancellationToken.None);

        Assert.Empty(early);
        var claimed = Assert.Single(due);
        Assert.Equal(task.Id, claimed.Id);
        Assert.Equal(TimeSpan.FromSeconds(3), claimed.WaitTime);
    }

    [Fact]
    public async Task ClaimAsync_RunningTaskWithLiveLease_IsNotClaimedAgain()
    {
        var storage = await CreateSutAsync();
        await EnqueueAndClaimAsync(storage, "worker-a");

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        var claimed = await storage.ClaimAsync(Claim("worker-b", 10), CancellationToken.None);

        Assert.Empty(claimed);
    }

    [Fact]
    public async Task ClaimAsync_ExpiredLease_IsTakenOverWithTheNextAttempt()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var first = await EnqueueAndClaimAsync(storage, "worker-a");
        var firstClaimAt = Now;
        Time.Advance(Lease);

        // Act
        var second = await ClaimOneAsync(storage, "worker-b");

        // Assert
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Attempt);
        Assert.True(second.TakenOver);
        Assert.Equal(Now + Lease, second.LeaseExpiresAt);

        var record = await GetAsync(storage, first.Id);
        Assert.Equal(TaskState.Running, record.State);
        Assert.Equal(2, record.Attempt);
        Assert.Equal("worker-b", record.LeaseOwner);
        Assert.Collection(
            record.Timeline,
            a =>
            {
                Assert.Equal(1, a.Number);
                Assert.Equal("worker-a", a.WorkerId);
                Assert.Equal(firstClaimAt, a.StartedAt);
                Assert.Equal(Now, a.EndedAt);
                Assert.Equal("lease-expired", a.Outcome);
            },
            a =>
            {
                Assert.Equal(2, a.Number);
                Assert.Equal("worker-b", a.WorkerId);
                Assert.Equal(Now, a.StartedAt);
                Assert.Null(a.EndedAt);
                Assert.Null(a.Outcome);
            });
    }

    [Fact]
    public async Task ClaimAsync_CountsWaitTimeInStatistics()
    {
        var storage = await CreateSutAsync();
        await storage.EnqueueAsync([NewTask(), NewTask()], CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(2));
        await ClaimOneAsync(storage, "worker-a");
        Time.Advance(TimeSpan.FromSeconds(4));
        await ClaimOneAsync(storage, "worker-a");

        var totals = await TotalsAsync(storage);

        Assert.Equal(2, totals.WaitCount);
        Assert.Equal(TimeSpan.FromSeconds(8), totals.WaitTimeTotal);
        Assert.Equal(TimeSpan.FromSeconds(6), totals.WaitTimeMax);
    }

    // ---- Leases ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task RenewLeasesAsync_HeldLease_ExtendsItFromNow()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Time.Advance(TimeSpan.FromSeconds(20));

        var renewals = await storage.RenewLeasesAsync("worker-a", [claimed.Id], Lease, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(20));
        var stolen = await storage.ClaimAsync(Claim("worker-b", 10), CancellationToken.None);

        Assert.Equal(new LeaseRenewal(claimed.Id, Held: true, CancelRequested: false), Assert.Single(renewals));
        Assert.Empty(stolen);
        Assert.Equal(Start + TimeSpan.FromSeconds(20) + Lease, (await GetAsync(storage, claimed.Id)).LeaseExpiresAt);
    }

    [Fact]
    public async Task RenewLeasesAsync_AnswersEveryTaskInOrder()
    {
        // Arrange: one held, one held by another worker, one unknown, one finished.
        var storage = await CreateSutAsync();
        var mine = await EnqueueAndClaimAsync(storage, "worker-a");
        var theirs = await EnqueueAndClaimAsync(storage, "worker-b");
        var done = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CompleteAsync(Completion(done, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));
        var unknown = Guid.NewGuid().ToString("N");

        // Act
        var renewals = await storage.RenewLeasesAsync("worker-a", [theirs.Id, mine.Id, unknown, done.Id], Lease, CancellationToken.None);

        // Assert
        Assert.Equal(
            [
                new LeaseRenewal(theirs.Id, false, false),
                new LeaseRenewal(mine.Id, true, false),
                new LeaseRenewal(unknown, false, false),
                new LeaseRenewal(done.Id, false, false),
            ],
            renewals);
        Assert.Equal("worker-b", (await GetAsync(storage, theirs.Id)).LeaseOwner);
    }

    [Fact]
    public async Task RenewLeasesAsync_AfterTakeover_IsNotHeldByTheOldWorker()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        await ClaimOneAsync(storage, "worker-b");

        var renewals = await storage.RenewLeasesAsync("worker-a", [claimed.Id], Lease, CancellationToken.None);

        Assert.False(Assert.Single(renewals).Held);
        Assert.Equal("worker-b", (await GetAsync(storage, claimed.Id)).LeaseOwner);
    }

    [Fact]
    public async Task RenewLeasesAsync_EmptyList_ReturnsEmpty()
    {
        var storage = await CreateSutAsync();

        var renewals = await storage.RenewLeasesAsync("worker-a", [], Lease, CancellationToken.None);

        Assert.Empty(renewals);
    }

    [Fact]
    public async Task RenewLeasesAsync_CancelRequested_IsReported()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CancelAsync(claimed.Id, CancellationToken.None));

        var renewals = await storage.RenewLeasesAsync("worker-a", [claimed.Id], Lease, CancellationToken.None);

        Assert.Equal(new LeaseRenewal(claimed.Id, true, true), Assert.Single(renewals));
    }

    // ---- Fencing --------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task CompleteAsync_ByAnotherWorker_ReturnsFalseAndChangesNothing()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");

        var completed = await storage.CompleteAsync(Completion(claimed, "worker-b", CompletionOutcome.Succeeded), CancellationToken.None);

        Assert.False(completed);
        var record = await GetAsync(storage, claimed.Id);
        Assert.Equal(TaskState.Running, record.State);
        Assert.Equal("worker-a", record.LeaseOwner);
        Assert.Null(Assert.Single(record.Timeline).Outcome);
        Assert.Equal(0, (await TotalsAsync(storage)).Succeeded);
    }

    [Fact]
    public async Task CompleteAsync_AfterTakeover_OldAttemptIsFencedOff()
    {
        // Arrange: worker-a's lease expires, worker-b takes the task over.
        var storage = await CreateSutAsync();
        var stale = await EnqueueAndClaimAsync(storage, "worker-a");
        Time.Advance(Lease);
        var current = await ClaimOneAsync(storage, "worker-b");

        // Act
        var staleCompleted = await storage.CompleteAsync(
            Completion(stale, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "late")), CancellationToken.None);
        var staleAttemptOfNewOwner = await storage.CompleteAsync(
            Completion(stale, "worker-b", CompletionOutcome.Dead, error: new TaskError("E", "wrong attempt")), CancellationToken.None);
        var currentCompleted = await storage.CompleteAsync(
            Completion(current, "worker-b", CompletionOutcome.Succeeded, result: "42"), CancellationToken.None);

        // Assert
        Assert.False(staleCompleted);
        Assert.False(staleAttemptOfNewOwner);
        Assert.True(currentCompleted);
        var record = await GetAsync(storage, stale.Id);
        Assert.Equal(TaskState.Succeeded, record.State);
        Assert.Equal("42", record.Result);
        Assert.Null(record.LastError);
        Assert.Equal(["lease-expired", "succeeded"], record.Timeline.Select(a => a.Outcome));
    }

    [Fact]
    public async Task CompleteAsync_Twice_SecondReturnsFalse()
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, "worker-a");
        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", CompletionOutcome.Succeeded), CancellationToken.None));

        var again = await storage.CompleteAsync(
            Completion(claimed, "worker-a", CompletionOutcome.Dead, error: new TaskError("E", "m")), CancellationToken.None);

        Assert.False(again);
        Assert.Equal(TaskState.Succeeded, (await GetAsync(storage, claimed.Id)).State);
        Assert.Equal(1, (await TotalsAsync(storage)).Succeeded);
        Assert.Equal(0, (await TotalsAsync(storage)).Dead);
    }

    [Fact]
    public async Task CompleteAsync_UnknownTask_ReturnsFalse()
    {
        var storage = await CreateSutAsync();

        var completed = await storage.CompleteAsync(
            new TaskCompletion
            {
                TaskId = Guid.NewGuid().ToString("N"),
                WorkerId = "worker-a",
                Attempt = 1,
                Outcome = CompletionOutcome.Succeeded,
                RunTime = TimeSpan.FromSeconds(1),
            },
            CancellationToken.None);

        Assert.False(completed);
    }

    [Fact]
    public async Task CompleteAsync_QueuedTaskNeverClaimed_ReturnsFalse()
    {
        var storage = await CreateSutAsync();
        var task = NewTask();
        await EnqueueOneAsync(storage, task);

        var completed = await storage.CompleteAsync(
            new TaskCompletion { TaskId = task.Id, WorkerId = "worker-a", Attempt = 0, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.Zero },
            CancellationToken.None);

        Assert.False(completed);
        Assert.Equal(TaskState.Queued, (await GetAsync(storage, task.Id)).State);
    }
}
