using System.Collections.Concurrent;
using Vigil.Storage;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    /// <summary>The bound of every real-time wait in these tests.</summary>
    protected static readonly TimeSpan RealTimeBound = TimeSpan.FromSeconds(10);

    // ---- Waiting for work ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task WaitForWorkAsync_WorkAlreadyReady_ReturnsPromptly()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(queue: "q"));

        await storage.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask().WaitAsync(RealTimeBound);
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueWhileWaiting_WakesTheWaiter()
    {
        var storage = await CreateSutAsync();
        var wait = storage.WaitForWorkAsync(["other", "q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();

        await EnqueueOneAsync(storage, NewTask(queue: "q"));

        await wait.WaitAsync(RealTimeBound);
    }

    [Fact]
    public async Task WaitForWorkAsync_NothingHappens_KeepsWaiting()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(queue: "elsewhere"));
        await EnqueueOneAsync(storage, NewTask(queue: "q", dueAt: Start.AddHours(2)));

        var wait = storage.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();
        var first = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(300)));

        Assert.NotSame(wait, first);
        Time.Advance(TimeSpan.FromHours(1));
        await wait.WaitAsync(RealTimeBound);
    }

    [Fact]
    public async Task WaitForWorkAsync_MaxWaitPassesOnTheStoragesClock_Returns()
    {
        var storage = await CreateSutAsync();

        var wait = storage.WaitForWorkAsync(["q"], TimeSpan.FromSeconds(5), CancellationToken.None).AsTask();

        // The engine may arm its timer after an await of its own: advance until it returns, with a real-time bound.
        var deadline = DateTime.UtcNow + RealTimeBound;
        while (!wait.IsCompleted && DateTime.UtcNow < deadline)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(wait, Task.Delay(20));
        }

        Assert.True(wait.IsCompleted, "WaitForWorkAsync did not return after maxWait on its TimeProvider.");
        await wait;
    }

    [Fact]
    public async Task WaitForWorkAsync_ScheduledTaskComes_ReturnsByItsDueTime()
    {
        var storage = await CreateSutAsync();
        await EnqueueOneAsync(storage, NewTask(queue: "q", dueAt: Start.AddSeconds(2)));

        var wait = storage.WaitForWorkAsync(["q"], TimeSpan.FromSeconds(5), CancellationToken.None).AsTask();
        var deadline = DateTime.UtcNow + RealTimeBound;
        while (!wait.IsCompleted && DateTime.UtcNow < deadline)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(wait, Task.Delay(20));
        }

        await wait.WaitAsync(RealTimeBound);
        Assert.NotEmpty(await storage.ClaimAsync(Claim("worker-a", 1, "q"), CancellationToken.None));
    }

    [Fact]
    public async Task WaitForWorkAsync_Cancelled_EndsTheWait()
    {
        var storage = await CreateSutAsync();
        using var cts = new CancellationTokenSource();
        var wait = storage.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), cts.Token).AsTask();

        await cts.CancelAsync();

        // Returning or throwing OperationCanceledException are both allowed.
        try
        {
            await wait.WaitAsync(RealTimeBound);
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(wait.IsCompleted);
    }

    // ---- Concurrency ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ClaimAsync_EightParallelClaimers_NeverClaimTheSameTask()
    {
        // Arrange
        const int Count = 300;
        var storage = await CreateSutAsync();
        var tasks = Enumerable.Range(0, Count).Select(_ => NewTask()).ToList();
        await storage.EnqueueAsync(tasks, CancellationToken.None);
        var claims = new ConcurrentBag<(string Worker, string TaskId)>();

        // Act: eight workers claim small batches until the queue is empty.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var worker = $"worker-{w}";
            for (var round = 0; round < Count; round++)
            {
                var claimed = await storage.ClaimAsync(Claim(worker, 3), CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var task in claimed)
                {
                    claims.Add((worker, task.Id));
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(Count, claims.Count);
        Assert.Equal(Count, claims.Select(c => c.TaskId).Distinct().Count());
        foreach (var (worker, taskId) in claims.Take(20))
        {
            Assert.Equal(worker, (await GetAsync(storage, taskId)).LeaseOwner);
        }
    }

    [Fact]
    public async Task CompleteAsync_ParallelClaimAndCompleteLoops_EveryTaskSucceedsOnce()
    {
        const int Count = 200;
        var storage = await CreateSutAsync();
        await storage.EnqueueAsync(Enumerable.Range(0, Count).Select(_ => NewTask()).ToList(), CancellationToken.None);
        var completed = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var worker = $"worker-{w}";
            for (var round = 0; round < Count; round++)
            {
                var claimed = await storage.ClaimAsync(Claim(worker, 5), CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var task in claimed)
                {
                    Assert.True(await storage.CompleteAsync(Completion(task, worker, CompletionOutcome.Succeeded), CancellationToken.None));
                    completed.Add(task.Id);
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Count, completed.Distinct().Count());
        Assert.Equal(Count, (await TotalsAsync(storage)).Succeeded);
        Assert.Empty(await storage.ClaimAsync(Claim("worker-x", 10), CancellationToken.None));
    }

    [Fact]
    public async Task EnqueueAsync_ParallelSameIdempotencyKey_StoresExactlyOneTask()
    {
        var storage = await CreateSutAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            (await storage.EnqueueAsync([NewTask(key: "race")], CancellationToken.None))[0]))).WaitAsync(RealTimeBound);

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(results, r => !r.Deduplicated);
        Assert.Equal(1, (await storage.ListTasksAsync(new(), CancellationToken.None)).Total);
    }

    [Fact]
    public async Task TryAcquireLockAsync_ParallelOwners_ExactlyOneWins()
    {
        var storage = await CreateSutAsync();

        var won = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            await storage.TryAcquireLockAsync("race", $"owner-{i}", TimeSpan.FromMinutes(1), CancellationToken.None)))).WaitAsync(RealTimeBound);

        Assert.Single(won, w => w);
    }
}
