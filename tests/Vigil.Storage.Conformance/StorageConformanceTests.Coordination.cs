using Vigil.Realtime;
using Vigil.Workers;
using Xunit;

namespace Vigil.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    // ---- Workers ----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task RecordHeartbeatAsync_StoresTheWholeRecord()
    {
        var storage = await CreateSutAsync();
        var heartbeat = Heartbeat("worker-1", "a", "b") with
        {
            Status = "draining",
            LoopTickAt = Now.AddSeconds(-2),
            InFlight = 3,
            Processed = 1234,
            Failed = 5,
            CpuPercent = 37.5,
            WorkingSetBytes = 123_456_789,
            GcHeapBytes = 45_678_901,
            ThreadPoolQueueLength = 7,
            Throughput = 812.25,
            Version = "0.1.0",
            HealthUrl = "http://127.0.0.1:5123/health",
        };

        await storage.RecordHeartbeatAsync(heartbeat, CancellationToken.None);

        var stored = Assert.Single(await storage.GetWorkersAsync(CancellationToken.None));
        Assert.Equal(["a", "b"], stored.Queues);
        Assert.Equal(heartbeat, stored with { Queues = heartbeat.Queues });
    }

    [Fact]
    public async Task RecordHeartbeatAsync_SameWorker_ReplacesTheRecord()
    {
        var storage = await CreateSutAsync();
        await storage.RecordHeartbeatAsync(Heartbeat("worker-1", "a"), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(5));

        await storage.RecordHeartbeatAsync(Heartbeat("worker-1", "a") with { Processed = 10 }, CancellationToken.None);

        var stored = Assert.Single(await storage.GetWorkersAsync(CancellationToken.None));
        Assert.Equal(Now, stored.HeartbeatAt);
        Assert.Equal(10, stored.Processed);
    }

    [Fact]
    public async Task GetWorkersAsync_OrderedByWorkerIdWithStaleOnesIncluded()
    {
        var storage = await CreateSutAsync();
        await storage.RecordHeartbeatAsync(Heartbeat("w-b"), CancellationToken.None);
        Time.Advance(TimeSpan.FromHours(5));
        await storage.RecordHeartbeatAsync(Heartbeat("w-c"), CancellationToken.None);
        await storage.RecordHeartbeatAsync(Heartbeat("w-a"), CancellationToken.None);

        var workers = await storage.GetWorkersAsync(CancellationToken.None);

        Assert.Equal(["w-a", "w-b", "w-c"], workers.Select(w => w.WorkerId));
        Assert.Equal(Start, workers[1].HeartbeatAt);
    }

    [Fact]
    public async Task RemoveWorkerAsync_RemovesOnlyThatRecord()
    {
        var storage = await CreateSutAsync();
        await storage.RecordHeartbeatAsync(Heartbeat("w-1"), CancellationToken.None);
        await storage.RecordHeartbeatAsync(Heartbeat("w-2"), CancellationToken.None);

        await storage.RemoveWorkerAsync("w-1", CancellationToken.None);
        await storage.RemoveWorkerAsync("w-unknown", CancellationToken.None);

        Assert.Equal("w-2", Assert.Single(await storage.GetWorkersAsync(CancellationToken.None)).WorkerId);
    }

    // ---- Locks ------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task TryAcquireLockAsync_FreeLock_IsTakenAndOthersAreRefused()
    {
        var storage = await CreateSutAsync();

        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.False(await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.True(await storage.TryAcquireLockAsync("other-lock", "owner-b", TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireLockAsync_ByTheOwner_RenewsIt()
    {
        var storage = await CreateSutAsync();
        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromSeconds(10), CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(8));

        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromSeconds(10), CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(8));

        Assert.False(await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireLockAsync_Expired_IsTakenByAnother()
    {
        var storage = await CreateSutAsync();
        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromSeconds(10), CancellationToken.None));
        Time.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.False(await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromSeconds(10), CancellationToken.None));
        Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.False(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task ReleaseLockAsync_OnlyTheOwnerReleases()
    {
        var storage = await CreateSutAsync();
        Assert.True(await storage.TryAcquireLockAsync("sentinel", "owner-a", TimeSpan.FromMinutes(10), CancellationToken.None));

        await storage.ReleaseLockAsync("sentinel", "owner-b", CancellationToken.None);
        var takenAfterWrongRelease = await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromMinutes(10), CancellationToken.None);
        await storage.ReleaseLockAsync("sentinel", "owner-a", CancellationToken.None);
        var takenAfterRelease = await storage.TryAcquireLockAsync("sentinel", "owner-b", TimeSpan.FromMinutes(10), CancellationToken.None);
        await storage.ReleaseLockAsync("never-taken", "owner-a", CancellationToken.None);

        Assert.False(takenAfterWrongRelease);
        Assert.True(takenAfterRelease);
    }

    // ---- Health -----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ProbeAsync_AnswersRepeatedlyAndLeavesNoTask()
    {
        var storage = await CreateSutAsync();

        var first = await storage.ProbeAsync(CancellationToken.None);
        var second = await storage.ProbeAsync(CancellationToken.None);

        Assert.True(first >= TimeSpan.Zero);
        Assert.True(second >= TimeSpan.Zero);
        Assert.Equal(0, (await storage.ListTasksAsync(new(), CancellationToken.None)).Total);
        Assert.Empty(await storage.GetQueuesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ResetConnectionAsync_StorageKeepsWorkingWithItsData()
    {
        var storage = await CreateSutAsync();
        var id = await EnqueueOneAsync(storage, NewTask());

        await storage.ResetConnectionAsync(CancellationToken.None);

        Assert.NotNull(await storage.GetTaskAsync(id, CancellationToken.None));
        Assert.Equal(id, (await ClaimOneAsync(storage, "worker-a")).Id);
        Assert.True(await storage.ProbeAsync(CancellationToken.None) >= TimeSpan.Zero);
    }

    // ---- Events -----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task ReadEventsAsync_NullCursor_StartsFromNowWithoutPastEvents()
    {
        var storage = await CreateSutAsync();
        await storage.PublishEventAsync(new VigilEvent { Kind = "past", At = Now }, CancellationToken.None);

        var start = await storage.ReadEventsAsync(null, 100, CancellationToken.None);
        await storage.PublishEventAsync(new VigilEvent { Kind = "future", At = Now }, CancellationToken.None);
        var next = await storage.ReadEventsAsync(start.Cursor, 100, CancellationToken.None);

        Assert.Empty(start.Events);
        Assert.Equal("future", Assert.Single(next.Events).Kind);
    }

    [Fact]
    public async Task ReadEventsAsync_ReturnsEveryFieldInPublishOrder()
    {
        var storage = await CreateSutAsync();
        var cursor = (await storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;
        var first = new VigilEvent { Kind = "task.progress", TaskId = "abc", Group = "task:abc", Data = """{"percent":50}""", At = Now };
        Time.Advance(TimeSpan.FromMilliseconds(7));
        var second = new VigilEvent { Kind = "alert", At = Now };

        await storage.PublishEventAsync(first, CancellationToken.None);
        await storage.PublishEventAsync(second, CancellationToken.None);
        var batch = await storage.ReadEventsAsync(cursor, 100, CancellationToken.None);

        Assert.Equal([first, second], batch.Events);
    }

    [Fact]
    public async Task ReadEventsAsync_MaxCount_PagesWithTheCursor()
    {
        var storage = await CreateSutAsync();
        var cursor = (await storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;
        for (var i = 0; i < 5; i++)
        {
            await storage.PublishEventAsync(new VigilEvent { Kind = $"e{i}", At = Now }, CancellationToken.None);
        }

        var first = await storage.ReadEventsAsync(cursor, 2, CancellationToken.None);
        var second = await storage.ReadEventsAsync(first.Cursor, 2, CancellationToken.None);
        var third = await storage.ReadEventsAsync(second.Cursor, 2, CancellationToken.None);
        var empty = await storage.ReadEventsAsync(third.Cursor, 2, CancellationToken.None);
        await storage.PublishEventAsync(new VigilEvent { Kind = "late", At = Now }, CancellationToken.None);
        var late = await storage.ReadEventsAsync(empty.Cursor, 2, CancellationToken.None);

        Assert.Equal(["e0", "e1"], first.Events.Select(e => e.Kind));
        Assert.Equal(["e2", "e3"], second.Events.Select(e => e.Kind));
        Assert.Equal(["e4"], third.Events.Select(e => e.Kind));
        Assert.Empty(empty.Events);
        Assert.Equal(["late"], late.Events.Select(e => e.Kind));
    }

    [Fact]
    public async Task ReadEventsAsync_TwoReaders_EachSeeEveryEvent()
    {
        var storage = await CreateSutAsync();
        var a = (await storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;
        var b = (await storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;
        await storage.PublishEventAsync(new VigilEvent { Kind = "x", At = Now }, CancellationToken.None);

        var readA = await storage.ReadEventsAsync(a, 100, CancellationToken.None);
        var readB = await storage.ReadEventsAsync(b, 100, CancellationToken.None);

        Assert.Single(readA.Events);
        Assert.Single(readB.Events);
    }
}
