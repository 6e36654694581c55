using Microsoft.Extensions.Time.Testing;
using Vigil.Storage;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// The idle worker's poll: a claim that finds nothing says when the next delayed task or lease falls due, so the wait for
/// work right after it sends nothing more to Redis (see RedisVigilStorage.Tasks.cs, WaitForWorkAsync).
/// </summary>
public sealed class RedisWaitForWorkTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WaitForWorkAsync_RightAfterAnEmptyClaim_SendsNothingAndWaitsUntilTheDelayedTaskIsDue()
    {
        // Arrange: a task due in 30 s; the worker's claim of its queue list finds nothing ready.
        await using var sut = await Sut.StartAsync();
        var (server, storage, time) = (sut.Server, sut.Storage, sut.Time);
        IReadOnlyList<string> queues = ["private", "q"];
        await storage.WaitForWorkAsync(queues, TimeSpan.Zero, CancellationToken.None); // consumes the subscription's own signal
        await storage.EnqueueAsync([TestSupport.Task() with { DueAt = Start.AddSeconds(30) }], CancellationToken.None);
        var request = new ClaimRequest { WorkerId = "w", Queues = queues, MaxCount = 8, LeaseDuration = TimeSpan.FromMinutes(1) };
        Assert.Empty(await storage.ClaimAsync(request, CancellationToken.None));
        var scriptsBefore = await TestSupport.ScriptCallsAsync(server);

        // Act
        var waiting = storage.WaitForWorkAsync(queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        var earlyDone = waiting.IsCompleted;
        var scriptsDuringWait = await TestSupport.ScriptCallsAsync(server) - scriptsBefore;
        time.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert: no look of its own; it slept until the task fell due (not the full 5 minutes), and the task is claimable.
        Assert.False(earlyDone);
        Assert.Equal(0, scriptsDuringWait);
        Assert.Single(await storage.ClaimAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task WaitForWorkAsync_RightAfterAClaimThatGotLessThanItAsked_SendsNothing()
    {
        // Arrange: one ready task and one due in 30 s; the claim asks for 8 and gets the ready one: the queues ran dry.
        await using var sut = await Sut.StartAsync();
        var (server, storage, time) = (sut.Server, sut.Storage, sut.Time);
        IReadOnlyList<string> queues = ["private", "q"];
        await storage.EnqueueAsync([TestSupport.Task(), TestSupport.Task() with { DueAt = Start.AddSeconds(30) }], CancellationToken.None);
        var request = new ClaimRequest { WorkerId = "w", Queues = queues, MaxCount = 8, LeaseDuration = TimeSpan.FromMinutes(5) };
        Assert.Single(await storage.ClaimAsync(request, CancellationToken.None));
        await storage.WaitForWorkAsync(queues, TimeSpan.Zero, CancellationToken.None); // consumes the enqueue's signal
        var scriptsBefore = await TestSupport.ScriptCallsAsync(server);

        // Act
        var waiting = storage.WaitForWorkAsync(queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();
        var scriptsDuringWait = await TestSupport.ScriptCallsAsync(server) - scriptsBefore;
        time.Advance(TimeSpan.FromSeconds(30));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert: the partial claim was the look; the wait slept until the delayed task fell due.
        Assert.Equal(0, scriptsDuringWait);
        Assert.Single(await storage.ClaimAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task WaitForWorkAsync_OtherQueuesThanTheEmptyClaim_LooksForReadyWorkItself()
    {
        // Arrange: the last claim was of other queues, so it proves nothing about "q", which holds a ready task whose
        // wake-up message was consumed already.
        await using var sut = await Sut.StartAsync();
        var (storage, time) = (sut.Storage, sut.Time);
        await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None);
        await storage.WaitForWorkAsync(["q"], TimeSpan.Zero, CancellationToken.None); // consumes the pending signals
        Assert.Empty(await storage.ClaimAsync(
            new ClaimRequest { WorkerId = "w", Queues = ["other"], MaxCount = 8, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None));

        // Act: returns without any time passing, because its own look finds the ready task.
        await storage.WaitForWorkAsync(["q"], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(Start, time.GetUtcNow());
    }

    [Fact]
    public async Task WaitForWorkAsync_AfterAWakeUpAndTheClaimItCalledFor_WaitsForTheNextOne()
    {
        // Arrange: an idle worker's wait, ended by an enqueue's wake-up message; its claim takes the task. (No direct
        // hand-off: with it, the enqueue hands the task to the registered worker instead, see RedisHandOffTests.)
        await using var sut = await Sut.StartAsync(handOffWindow: TimeSpan.Zero);
        var (server, storage, time) = (sut.Server, sut.Storage, sut.Time);
        IReadOnlyList<string> queues = ["q"];
        var request = new ClaimRequest { WorkerId = "w", Queues = queues, MaxCount = 8, LeaseDuration = TimeSpan.FromMinutes(5) };
        Assert.Empty(await storage.ClaimAsync(request, CancellationToken.None));
        var woken = storage.WaitForWorkAsync(queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();
        await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None);
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await storage.ClaimAsync(request, CancellationToken.None));
        var scriptsBefore = await TestSupport.ScriptCallsAsync(server);

        // Act
        var next = storage.WaitForWorkAsync(queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();

        // Assert: the wake-up was used by that claim. Still pending, it ended this wait at once, and the worker sent a
        // claim that found nothing: two claims per task for a worker given one task at a time.
        Assert.False(next.IsCompleted);
        Assert.Equal(0, await TestSupport.ScriptCallsAsync(server) - scriptsBefore);

        // And the next enqueue's wake-up still ends it, without the clock moving: nothing was used up that should not be.
        await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await storage.ClaimAsync(request, CancellationToken.None));
    }

    /// <summary>A Redis server of the test's own (so its command counts are the test's alone) and an engine on a fake clock.</summary>
    private sealed class Sut : IAsyncDisposable
    {
        private Sut(RedisServer server, IVigilStorage storage, FakeTimeProvider time) => (Server, Storage, Time) = (server, storage, time);

        public RedisServer Server { get; }

        public IVigilStorage Storage { get; }

        public FakeTimeProvider Time { get; }

        public static async Task<Sut> StartAsync(TimeSpan? handOffWindow = null)
        {
            var server = await RedisServer.StartAsync(new RedisServerOptions());
            var time = new FakeTimeProvider(Start);
            var options = new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "wait" };
            options.HandOffWindow = handOffWindow ?? options.HandOffWindow;
            var storage = RedisStorage.Create(options, time);
            await storage.InitializeAsync(CancellationToken.None);
            return new Sut(server, storage, time);
        }

        public async ValueTask DisposeAsync()
        {
            await ((IAsyncDisposable)Storage).DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
