using Microsoft.Extensions.Time.Testing;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// What spans slots and so lives outside the queue scripts (see RedisVigilStorage.Idempotency.cs and .Enqueue.cs): the
/// idempotency key records and the id index, including what a crash between two steps leaves behind.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIdempotencyTests(RedisServer server)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task EnqueueAsync_ReservationOfAnEnqueueThatNeverStored_HoldsTheKeyOnlyForAWhile()
    {
        // Arrange: a process reserved key "k" for task "ghost" and died before its enqueue script ran.
        var (storage, prefix, time) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await server.CommandAsync("SET", $"{{{prefix}}}:ik:k", $"q|ghost|{Micros(Start)}");

        // Act 1: right after, the reservation may be an enqueue still on its way: the key is held.
        var early = Assert.Single(await storage.EnqueueAsync([Keyed("k")], CancellationToken.None));

        // Act 2: long after, no task ever came: the key is free and the new task takes it.
        time.Advance(TimeSpan.FromMinutes(2));
        var late = Keyed("k");
        var taken = Assert.Single(await storage.EnqueueAsync([late], CancellationToken.None));

        // Assert
        Assert.Equal(new EnqueueResult("ghost", true), early);
        Assert.Equal(new EnqueueResult(late.Id, false), taken);
        Assert.Equal($"q|{late.Id}|{Micros(time.GetUtcNow())}", await server.CommandAsync("GET", $"{{{prefix}}}:ik:k"));
    }

    [Fact]
    public async Task EnqueueAsync_KeyRecordOfAFinishedTask_IsTakenOverByTheNextTask()
    {
        // Arrange: completion never touches the key record; the finished holder is found finished when the key is wanted.
        var (storage, prefix, _) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        var first = Keyed("k");
        await storage.EnqueueAsync([first], CancellationToken.None);
        var claimed = Assert.Single(await storage.ClaimAsync(Claim(), CancellationToken.None));
        Assert.True(await storage.CompleteAsync(Succeeded(claimed), CancellationToken.None));
        Assert.StartsWith($"q|{first.Id}|", (string)(await server.CommandAsync("GET", $"{{{prefix}}}:ik:k"))!, StringComparison.Ordinal);

        // Act
        var next = Keyed("k");
        var result = Assert.Single(await storage.EnqueueAsync([next], CancellationToken.None));

        // Assert
        Assert.Equal(new EnqueueResult(next.Id, false), result);
        Assert.StartsWith($"q|{next.Id}|", (string)(await server.CommandAsync("GET", $"{{{prefix}}}:ik:k"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAsync_DeadTaskWhoseKeyIsFree_HoldsItsKeyAgain()
    {
        // Arrange: a dead task with key "k"; its key is free (the task is terminal).
        var (storage, _, _) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        var task = Keyed("k");
        await storage.EnqueueAsync([task], CancellationToken.None);
        var claimed = Assert.Single(await storage.ClaimAsync(Claim(), CancellationToken.None));
        Assert.True(await storage.CompleteAsync(Succeeded(claimed) with { Outcome = CompletionOutcome.Dead, Error = new TaskError("E", "m") }, CancellationToken.None));

        // Act
        Assert.True(await storage.RetryAsync(task.Id, CancellationToken.None));
        var duplicate = Assert.Single(await storage.EnqueueAsync([Keyed("k")], CancellationToken.None));

        // Assert: live again, it holds the key, so a new task with the key is deduplicated to it.
        Assert.Equal(new EnqueueResult(task.Id, true), duplicate);
    }

    [Fact]
    public async Task RetryAsync_KeyTakenMeanwhileByALiveTask_LeavesItToThatTask()
    {
        // Arrange: a dead task with key "k", then a new live task took the key.
        var (storage, prefix, _) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        var old = Keyed("k");
        await storage.EnqueueAsync([old], CancellationToken.None);
        var claimed = Assert.Single(await storage.ClaimAsync(Claim(), CancellationToken.None));
        Assert.True(await storage.CompleteAsync(Succeeded(claimed) with { Outcome = CompletionOutcome.Dead, Error = new TaskError("E", "m") }, CancellationToken.None));
        var newer = Keyed("k");
        Assert.Equal(new EnqueueResult(newer.Id, false), Assert.Single(await storage.EnqueueAsync([newer], CancellationToken.None)));

        // Act
        Assert.True(await storage.RetryAsync(old.Id, CancellationToken.None));

        // Assert
        Assert.StartsWith($"q|{newer.Id}|", (string)(await server.CommandAsync("GET", $"{{{prefix}}}:ik:k"))!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeAsync_RemovesTheKeyRecordsOfPurgedTasks()
    {
        // Arrange
        var (storage, prefix, time) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await storage.EnqueueAsync([Keyed("a"), Keyed("b")], CancellationToken.None);
        foreach (var claimed in await storage.ClaimAsync(Claim(), CancellationToken.None))
        {
            Assert.True(await storage.CompleteAsync(Succeeded(claimed), CancellationToken.None));
        }

        // Act
        time.Advance(TimeSpan.FromHours(1));
        var removed = await storage.PurgeAsync(time.GetUtcNow(), time.GetUtcNow(), time.GetUtcNow(), CancellationToken.None);

        // Assert
        Assert.Equal(2, removed);
        Assert.Empty((List<object?>)(await server.CommandAsync("KEYS", $"{{{prefix}}}:ik:*"))!);
    }

    [Fact]
    public async Task GetTaskAsync_IdIndexEntryOfAnEnqueueThatNeverStored_ReadsAsNoSuchTask()
    {
        // Arrange: the id index is written before the enqueue script; a crash in between leaves this entry.
        var (storage, prefix, _) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await server.CommandAsync("HSET", $"{{{prefix}}}:ids", "ghost", "q");

        // Act & Assert
        Assert.Null(await storage.GetTaskAsync("ghost", CancellationToken.None));
        Assert.False(await storage.CancelAsync("ghost", CancellationToken.None));
        Assert.False(await storage.DeleteAsync("ghost", CancellationToken.None));
        Assert.False(await storage.CompleteAsync(new TaskCompletion { TaskId = "ghost", WorkerId = "w", Attempt = 1, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.Zero }, CancellationToken.None));
        Assert.Empty(await storage.ClaimAsync(Claim(), CancellationToken.None));
    }

    private async Task<(IVigilStorage Storage, string Prefix, FakeTimeProvider Time)> CreateSutAsync()
    {
        var prefix = TestSupport.UniquePrefix("idem");
        var time = new FakeTimeProvider(Start);
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = prefix }, time);
        await storage.InitializeAsync(CancellationToken.None);
        return (storage, prefix, time);
    }

    private static long Micros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static NewTask Keyed(string key) => TestSupport.Task() with { IdempotencyKey = key };

    private static ClaimRequest Claim() => new() { WorkerId = "w", Queues = ["q"], MaxCount = 10, LeaseDuration = TimeSpan.FromMinutes(1) };

    private static TaskCompletion Succeeded(ClaimedTask task) =>
        new() { TaskId = task.Id, WorkerId = "w", Attempt = task.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(1) };
}
