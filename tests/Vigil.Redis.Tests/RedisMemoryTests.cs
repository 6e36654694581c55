using System.Globalization;
using Vigil.Storage;
using Vigil.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Vigil.Redis.Tests;

/// <summary>Finished work does not stay in Redis: memory returns to the idle level once retention has passed.</summary>
public sealed class RedisMemoryTests(ITestOutputHelper output)
{
    private const int TaskCount = 100_000;

    /// <summary>
    /// The stated tolerance: used_memory after purge may exceed the idle level by at most this. The key count must be
    /// back to idle exactly; used_memory keeps a little allocator and client-buffer noise (seen: +0.36 MB and +2.1 MB
    /// of an ~89 MB peak), so the bound is 4 MB — what is left of 100,000 tasks' state would be tens of MB.
    /// </summary>
    private const long ToleranceBytes = 4 * 1024 * 1024;

    [Fact]
    public async Task Purge_After100000CompletedTasks_MemoryReturnsToTheIdleLevel()
    {
        // Arrange: a dedicated server; a warm-up round loads the scripts and creates the queue's fixed keys
        // (stream, consumer group, meta), so the idle level is the engine at rest, not an empty server.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "mem" });
        await using var owned = (IAsyncDisposable)storage;
        await storage.InitializeAsync(CancellationToken.None);
        await RunAsync(storage, 1_000);
        await PurgeAllAsync(storage);
        var idle = await UsedMemoryAsync(server);
        var idleKeys = (long)(await server.CommandAsync("DBSIZE"))!;

        // Act
        var peak = await RunAsync(storage, TaskCount, server);
        var removed = await PurgeAllAsync(storage);
        var after = await UsedMemoryAsync(server);
        var afterKeys = (long)(await server.CommandAsync("DBSIZE"))!;

        // Assert
        output.WriteLine($"used_memory idle {idle:N0} B, peak while running {peak:N0} B, after purge {after:N0} B (+{after - idle:N0} B); keys idle {idleKeys}, after {afterKeys}");
        Assert.Equal(TaskCount, removed);
        Assert.Equal(idleKeys, afterKeys);
        Assert.True(after - idle < ToleranceBytes, $"used_memory after purge is {after - idle:N0} B above idle (tolerance {ToleranceBytes:N0} B)");
    }

    /// <summary>Enqueues <paramref name="count"/> tasks and runs them all to success; returns the highest used_memory seen.</summary>
    private static async Task<long> RunAsync(IVigilStorage storage, int count, RedisServer? server = null)
    {
        long peak = 0;
        for (var i = 0; i < count; i += 1000)
        {
            await storage.EnqueueAsync(Enumerable.Range(0, Math.Min(1000, count - i)).Select(_ => TestSupport.Task()).ToList(), CancellationToken.None);
        }

        if (server is not null)
        {
            peak = await UsedMemoryAsync(server);
        }

        var request = new ClaimRequest { WorkerId = "mem-worker", Queues = ["q"], MaxCount = 500, LeaseDuration = TimeSpan.FromMinutes(5) };
        var done = 0;
        while (done < count)
        {
            var claimed = await storage.ClaimAsync(request, CancellationToken.None);
            Assert.NotEmpty(claimed);
            await Task.WhenAll(claimed.Select(t => storage.CompleteAsync(
                new TaskCompletion { TaskId = t.Id, WorkerId = request.WorkerId, Attempt = t.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(1), Result = """{"ok":true}""" },
                CancellationToken.None).AsTask()));
            done += claimed.Count;
        }

        return peak;
    }

    /// <summary>Purges as if every retention had passed.</summary>
    private static async Task<long> PurgeAllAsync(IVigilStorage storage)
    {
        var later = DateTimeOffset.UtcNow.AddMinutes(5);
        return await storage.PurgeAsync(later, later, later, CancellationToken.None);
    }

    private static async Task<long> UsedMemoryAsync(RedisServer server) =>
        long.Parse(await server.InfoAsync("memory", "used_memory"), CultureInfo.InvariantCulture);
}
