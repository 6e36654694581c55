using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task EnqueueAsync_NewTask_IsStoredQueuedWithEveryField()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var task = NewTask(queue: "mail", type: "mail.send", payload: """{"to":"a@example.com","n":[1,2]}""", maxAttempts: 7,
            timeout: TimeSpan.FromSeconds(90), key: "mail-42") with
        {
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "vendor=1",
        };

        // Act
        await EnqueueOneAsync(storage, task);

        // Assert
        var record = await GetAsync(storage, task.Id);
        Assert.Equal(task.Id, record.Id);
        Assert.Equal("mail.send", record.Type);
        Assert.Equal("mail", record.Queue);
        Assert.Equal(task.Payload, record.Payload);
        Assert.Equal(TaskState.Queued, record.State);
        Assert.Equal(0, record.Attempt);
        Assert.Equal(7, record.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(90), record.Timeout);
        Assert.Equal(Start, record.CreatedAt);
        Assert.Null(record.FinishedAt);
        Assert.Equal("mail-42", record.IdempotencyKey);
        Assert.Null(record.Result);
        Assert.Null(record.LastError);
        Assert.Null(record.LeaseOwner);
        Assert.Null(record.LeaseExpiresAt);
        Assert.False(record.CancelRequested);
        Assert.Equal(task.TraceParent, record.TraceParent);
        Assert.Equal("vendor=1", record.TraceState);
        Assert.Empty(record.Timeline);
    }

    [Fact]
    public async Task EnqueueAsync_NoTimeout_StoresNull()
    {
        var storage = await CreateSutAsync();
        var task = NewTask();

        await EnqueueOneAsync(storage, task);

        Assert.Null((await GetAsync(storage, task.Id)).Timeout);
    }

    [Fact]
    public async Task EnqueueAsync_FutureDueAt_IsScheduled()
    {
        var storage = await CreateSutAsync();
        var task = NewTask(dueAt: Start.AddMinutes(5));

        await EnqueueOneAsync(storage, task);

        var record = await GetAsync(storage, task.Id);
        Assert.Equal(TaskState.Scheduled, record.State);
        Assert.Equal(Start.AddMinutes(5), record.DueAt);
    }

    [Fact]
    public async Task EnqueueAsync_PastOrPresentDueAt_IsQueued()
    {
        var storage = await CreateSutAsync();
        var past = NewTask(dueAt: Start.AddMinutes(-5));
        var present = NewTask(dueAt: Start);

        await storage.EnqueueAsync([past, present], CancellationToken.None);

        Assert.Equal(TaskState.Queued, (await GetAsync(storage, past.Id)).State);
        Assert.Equal(TaskState.Queued, (await GetAsync(storage, present.Id)).State);
    }

    [Fact]
    public async Task EnqueueAsync_Batch_ReturnsOneResultPerTaskInOrder()
    {
        var storage = await CreateSutAsync();
        var tasks = Enumerable.Range(0, 25).Select(i => NewTask(queue: i % 2 == 0 ? "even" : "odd", payload: $$"""{"i":{{i}}}""")).ToList();

        var results = await storage.EnqueueAsync(tasks, CancellationToken.None);

        Assert.Equal(tasks.Select(t => t.Id), results.Select(r => r.Id));
        Assert.All(results, r => Assert.False(r.Deduplicated));
        foreach (var task in tasks)
        {
            var record = await GetAsync(storage, task.Id);
            Assert.Equal(task.Payload, record.Payload);
            Assert.Equal(task.Queue, record.Queue);
        }
    }

    [Fact]
    public async Task EnqueueAsync_EmptyBatch_ReturnsEmpty()
    {
        var storage = await CreateSutAsync();

        var results = await storage.EnqueueAsync([], CancellationToken.None);

        Assert.Empty(results);
    }

    [Fact]
    public async Task EnqueueAsync_LargePayload_RoundTripsExactly()
    {
        var storage = await CreateSutAsync();
        var payload = "{\"text\":\"" + new string('x', 200_000) + "é€😀\"}";
        var task = NewTask(payload: payload);

        await EnqueueOneAsync(storage, task);

        Assert.Equal(payload, (await GetAsync(storage, task.Id)).Payload);
        Assert.Equal(payload, (await ClaimOneAsync(storage, "worker-a")).Payload);
    }

    [Fact]
    public async Task EnqueueAsync_CountsEnqueuedInStatistics()
    {
        var storage = await CreateSutAsync();

        await storage.EnqueueAsync([NewTask(), NewTask(), NewTask(dueAt: Start.AddHours(2))], CancellationToken.None);

        Assert.Equal(3, (await TotalsAsync(storage)).Enqueued);
    }

    // ---- Idempotency ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task EnqueueAsync_SameKeyWhileQueued_ReturnsExistingIdDeduplicated()
    {
        // Arrange
        var storage = await CreateSutAsync();
        var first = NewTask(key: "order-1");
        await EnqueueOneAsync(storage, first);
        var second = NewTask(key: "order-1");

        // Act
        var results = await storage.EnqueueAsync([second], CancellationToken.None);

        // Assert
        Assert.Equal(new EnqueueResult(first.Id, Deduplicated: true), Assert.Single(results));
        Assert.Null(await storage.GetTaskAsync(second.Id, CancellationToken.None));
        Assert.Equal(1, (await TotalsAsync(storage)).Enqueued);
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyWhileScheduledRunningOrRetrying_Deduplicates()
    {
        var storage = await CreateSutAsync();
        var scheduled = NewTask(key: "k-scheduled", dueAt: Start.AddHours(1));
        await EnqueueOneAsync(storage, scheduled);
        var running = await EnqueueAndClaimAsync(storage, task: NewTask(key: "k-running"));
        var retrying = await EnqueueAndClaimAsync(storage, task: NewTask(key: "k-retrying"));
        Assert.True(await storage.CompleteAsync(
            Completion(retrying, "worker-a", CompletionOutcome.Retry, error: new TaskError("E", "m"), retryAt: Start.AddHours(1)),
            CancellationToken.None));

        var results = await storage.EnqueueAsync(
            [NewTask(key: "k-scheduled"), NewTask(key: "k-running"), NewTask(key: "k-retrying")], CancellationToken.None);

        Assert.Equal(
            [new EnqueueResult(scheduled.Id, true), new EnqueueResult(running.Id, true), new EnqueueResult(retrying.Id, true)],
            results);
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyTwiceInOneBatch_DeduplicatesTheSecond()
    {
        var storage = await CreateSutAsync();
        var first = NewTask(key: "batch-key");
        var second = NewTask(key: "batch-key");
        var other = NewTask(key: "other-key");

        var results = await storage.EnqueueAsync([first, second, other], CancellationToken.None);

        Assert.Equal(
            [new EnqueueResult(first.Id, false), new EnqueueResult(first.Id, true), new EnqueueResult(other.Id, false)],
            results);
        Assert.Null(await storage.GetTaskAsync(second.Id, CancellationToken.None));
    }

    [Theory]
    [InlineData(CompletionOutcome.Succeeded)]
    [InlineData(CompletionOutcome.Dead)]
    [InlineData(CompletionOutcome.Cancelled)]
    public async Task EnqueueAsync_SameKeyAfterTerminal_StoresNewTask(CompletionOutcome outcome)
    {
        var storage = await CreateSutAsync();
        var claimed = await EnqueueAndClaimAsync(storage, task: NewTask(key: "again"));
        var error = outcome == CompletionOutcome.Dead ? new TaskError("E", "m") : null;
        Assert.True(await storage.CompleteAsync(Completion(claimed, "worker-a", outcome, error: error), CancellationToken.None));
        var next = NewTask(key: "again");

        var results = await storage.EnqueueAsync([next], CancellationToken.None);

        Assert.Equal(new EnqueueResult(next.Id, false), Assert.Single(results));
        Assert.Equal(TaskState.Queued, (await GetAsync(storage, next.Id)).State);
    }

    [Fact]
    public async Task EnqueueAsync_SameKeyAfterCancelledWhileQueued_StoresNewTask()
    {
        var storage = await CreateSutAsync();
        var first = NewTask(key: "cancel-me");
        await EnqueueOneAsync(storage, first);
        Assert.True(await storage.CancelAsync(first.Id, CancellationToken.None));
        var next = NewTask(key: "cancel-me");

        var results = await storage.EnqueueAsync([next], CancellationToken.None);

        Assert.Equal(new EnqueueResult(next.Id, false), Assert.Single(results));
    }

    [Fact]
    public async Task EnqueueAsync_KeyIsGlobalAcrossQueuesAndTypes()
    {
        var storage = await CreateSutAsync();
        var first = NewTask(queue: "a", type: "t.one", key: "global");
        await EnqueueOneAsync(storage, first);

        var results = await storage.EnqueueAsync([NewTask(queue: "b", type: "t.two", key: "global")], CancellationToken.None);

        Assert.Equal(new EnqueueResult(first.Id, true), Assert.Single(results));
    }

    [Fact]
    public async Task EnqueueAsync_NoKey_NeverDeduplicates()
    {
        var storage = await CreateSutAsync();

        var results = await storage.EnqueueAsync([NewTask(), NewTask()], CancellationToken.None);

        Assert.All(results, r => Assert.False(r.Deduplicated));
        Assert.NotEqual(results[0].Id, results[1].Id);
    }
}
