using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Vigil.Redis.Tests;

/// <summary>
/// The storage heals itself: a restarted redis-server and a silently dead (half-open) connection are noticed within
/// stated bounds, the connection is rebuilt, work resumes and nothing acknowledged is lost.
/// </summary>
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RedisRestart_WithAppendOnly_ReconnectsResumesAndLosesNothingAcknowledged()
    {
        // Arrange: a producer and a consumer loop run against an appendonly server.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        var storage = CreateStorage(server.Url, out var logs);
        await using var owned = (IAsyncDisposable)storage;
        await InitializeAsync(storage);
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var failedEnqueues = 0;
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = Enumerable.Range(0, 5).Select(_ => TestSupport.Task()).ToList();
                try
                {
                    foreach (var result in await storage.EnqueueAsync(batch, CancellationToken.None))
                    {
                        acknowledged[result.Id] = 0; // acknowledged: the call returned
                    }
                }
                catch (StorageUnavailableException)
                {
                    Interlocked.Increment(ref failedEnqueues);
                    await Task.Delay(20);
                }
            }
        });
        var consumer = Task.Run(() => ConsumeAsync(storage, "worker-1", stop.Token));
        await Poll.UntilAsync(() => acknowledged.Count >= 500, TimeSpan.FromSeconds(30), "500 acknowledged enqueues before the restart");

        // Act: restart redis-server (clean shutdown: the append-only file is complete) in the middle of the run.
        var before = acknowledged.Count;
        await server.RestartAsync();
        var upAgain = Stopwatch.StartNew();
        await Poll.UntilAsync(() => acknowledged.Count >= before + 100, TimeSpan.FromSeconds(15), "enqueues to succeed again after the restart");
        var resumedAfter = upAgain.Elapsed;
        await Poll.UntilAsync(() => acknowledged.Count >= before + 500, TimeSpan.FromSeconds(30), "500 more acknowledged enqueues");
        await stop.CancelAsync();
        await producer.WaitAsync(TimeSpan.FromSeconds(10));
        await consumer.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert: work resumed within the stated bound, and every acknowledged task is there and runs to success.
        output.WriteLine($"acknowledged {acknowledged.Count}, failed enqueue calls {failedEnqueues}, resumed {resumedAfter.TotalMilliseconds:0} ms after redis-server answered again");
        Assert.True(resumedAfter < TimeSpan.FromSeconds(10), $"resumed after {resumedAfter}");
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var drainer = ConsumeAsync(storage, "worker-2", drain.Token);
        await Poll.UntilAsync(
            async () => await CountSucceededAsync(storage, acknowledged.Keys) == acknowledged.Count,
            TimeSpan.FromSeconds(45),
            "every acknowledged task to succeed",
            TimeSpan.FromMilliseconds(500));
        await drain.CancelAsync();
        await drainer;
        Assert.Equal(acknowledged.Count, await CountSucceededAsync(storage, acknowledged.Keys));
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Id.Id == 3102); // "answers again" was logged
    }

    [Theory]
    [InlineData("always")]
    [InlineData("everysec")]
    public async Task RedisKilled_ReconnectsByItselfOnceItIsBack(string appendFsync)
    {
        // Arrange: with the append-only file, Redis writes each command to the file (the OS cache) before it answers,
        // so a killed redis-server process loses nothing acknowledged (only a machine crash can lose the last second
        // under everysec).
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true, AppendFsync = appendFsync });
        var storage = CreateStorage(server.Url, out _);
        await using var owned = (IAsyncDisposable)storage;
        await InitializeAsync(storage);
        var id = (await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None))[0].Id;

        // Act: crash (SIGKILL) and start again.
        await server.KillAsync();
        var down = Stopwatch.StartNew();
        var whileDown = await Record.ExceptionAsync(async () => await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None));
        var failedIn = down.Elapsed;
        await server.StartAsync();
        var back = await Poll.UntilAsync(async () => (await storage.ProbeAsync(CancellationToken.None)) >= TimeSpan.Zero, TimeSpan.FromSeconds(10), "the storage to answer again");

        // Assert: enqueue failed fast while Redis was down, the storage came back by itself, the acknowledged task survived.
        output.WriteLine($"enqueue failed after {failedIn.TotalMilliseconds:0} ms while down; storage answered {back.TotalMilliseconds:0} ms after restart");
        Assert.IsType<StorageUnavailableException>(whileDown);
        Assert.True(failedIn < TimeSpan.FromSeconds(3), $"enqueue took {failedIn} to fail");
        Assert.NotNull(await storage.GetTaskAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task EnqueueAsync_WithEnqueueWait_RedisBackWithinTheWait_IsStored()
    {
        // Arrange: enqueue may wait up to 15 s for Redis; Redis is down when it starts.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true, AppendFsync = "always" });
        var storage = RedisStorage.Create(
            new RedisStorageOptions
            {
                Configuration = server.Url,
                KeyPrefix = TestSupport.UniquePrefix("wait"),
                EnqueueWaitWhenUnavailable = TimeSpan.FromSeconds(15),
                OperationTimeout = OperationTimeout,
                ConnectTimeout = ConnectTimeout,
                PingInterval = PingInterval,
                PingTimeout = PingTimeout,
            },
            TimeProvider.System);
        await using var owned = (IAsyncDisposable)storage;
        await InitializeAsync(storage);
        await server.KillAsync();
        var task = TestSupport.Task();

        // Act: the enqueue starts while Redis is down; Redis comes back a moment later.
        var enqueue = storage.EnqueueAsync([task], CancellationToken.None).AsTask();
        var stillWaiting = await Task.WhenAny(enqueue, Task.Delay(TimeSpan.FromMilliseconds(500))) != enqueue;
        await server.StartAsync();
        var result = await enqueue.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.True(stillWaiting, "the enqueue did not wait for Redis");
        Assert.Equal(new EnqueueResult(task.Id, false), Assert.Single(result));
        Assert.Equal(TaskState.Queued, (await storage.GetTaskAsync(task.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Blackhole_WatchdogRebuildsTheConnectionOnceThePathHeals()
    {
        // Arrange: the storage talks to Redis through a proxy that can silently stop forwarding.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        await using var proxy = new TcpFaultProxy(server.Port);
        var storage = CreateStorage($"redis://127.0.0.1:{proxy.Port}", out var logs);
        await using var owned = (IAsyncDisposable)storage;
        await InitializeAsync(storage);
        var before = (await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None))[0].Id;
        var connectionsBefore = proxy.AcceptedConnections;

        // Act 1: a half-open path (no FIN, no RST).
        proxy.Blackhole();
        var detected = await Poll.UntilAsync(
            () => logs.Collector.GetSnapshot().Any(r => r.Id.Id == 3103), TimeSpan.FromSeconds(10), "the watchdog to give up on the dead connection");

        // Calls while cut off fail with StorageUnavailableException within a bound, and the incident is logged once.
        var failures = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var call = Stopwatch.StartNew();
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None));
            failures.Add(call.Elapsed);
        }

        // Act 2: the path heals.
        proxy.Heal();
        var resumed = await Poll.UntilAsync(
            async () => (await storage.ProbeAsync(CancellationToken.None)) >= TimeSpan.Zero, TimeSpan.FromSeconds(15), "the storage to answer after the path healed");
        var after = (await storage.EnqueueAsync([TestSupport.Task("q2")], CancellationToken.None))[0].Id;

        // Assert
        output.WriteLine($"watchdog detected the dead connection after {detected.TotalMilliseconds:0} ms; calls failed in {string.Join(", ", failures.Select(f => f.TotalMilliseconds.ToString("0")))} ms; resumed {resumed.TotalMilliseconds:0} ms after heal");
        var watchdogBound = (PingInterval + PingTimeout) * Failures + TimeSpan.FromSeconds(2);
        Assert.True(detected < watchdogBound, $"detected after {detected}, bound {watchdogBound}");
        Assert.All(failures, f => Assert.True(f < OperationTimeout + ConnectTimeout + TimeSpan.FromSeconds(1), $"a call took {f} to fail"));
        Assert.True(resumed < TimeSpan.FromSeconds(5), $"resumed after {resumed}");
        Assert.True(proxy.AcceptedConnections > connectionsBefore, "the storage did not open a new connection");
        Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == 3101); // one incident, logged once
        Assert.NotNull(await storage.GetTaskAsync(before, CancellationToken.None));
        Assert.Equal(after, Assert.Single(await storage.ClaimAsync(new ClaimRequest { WorkerId = "w", Queues = ["q2"], MaxCount = 5, LeaseDuration = TimeSpan.FromSeconds(30) }, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task ResetConnectionAsync_WhileConnected_OpensANewConnection()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        await using var proxy = new TcpFaultProxy(server.Port);
        var storage = CreateStorage($"redis://127.0.0.1:{proxy.Port}", out var logs);
        await using var owned = (IAsyncDisposable)storage;
        await InitializeAsync(storage);
        var connectionsBefore = proxy.AcceptedConnections;

        await storage.ResetConnectionAsync(CancellationToken.None);

        Assert.True(proxy.AcceptedConnections > connectionsBefore);
        Assert.True(await storage.ProbeAsync(CancellationToken.None) >= TimeSpan.Zero);
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Id.Id == 3104);
    }

    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private const int Failures = 3;

    private static IVigilStorage CreateStorage(string configuration, out FakeLoggerFactory logs)
    {
        logs = new FakeLoggerFactory();
        return RedisStorage.Create(
            new RedisStorageOptions
            {
                Configuration = configuration,
                KeyPrefix = TestSupport.UniquePrefix("fault"),
                PingInterval = PingInterval,
                PingTimeout = PingTimeout,
                FailuresBeforeReconnect = Failures,
                OperationTimeout = OperationTimeout,
                ConnectTimeout = ConnectTimeout,
            },
            TimeProvider.System,
            logs);
    }

    /// <summary>
    /// The first connect, before any fault: these tests use a 1 s connect timeout (to keep their fault bounds tight),
    /// which a loaded CI machine exceeded once while starting up; so the initial connect gets three tries.
    /// </summary>
    private static async Task InitializeAsync(IVigilStorage storage)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.InitializeAsync(CancellationToken.None);
                return;
            }
            catch (StorageUnavailableException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Claims and completes tasks of queue <c>q</c> until cancelled; storage errors are retried (a worker's loop).</summary>
    private static async Task ConsumeAsync(IVigilStorage storage, string workerId, CancellationToken cancellationToken)
    {
        var request = new ClaimRequest { WorkerId = workerId, Queues = ["q"], MaxCount = 20, LeaseDuration = TimeSpan.FromSeconds(2) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await storage.ClaimAsync(request, CancellationToken.None);
                if (claimed.Count == 0)
                {
                    await storage.WaitForWorkAsync(["q"], TimeSpan.FromMilliseconds(200), cancellationToken);
                    continue;
                }

                await Task.WhenAll(claimed.Select(t => storage.CompleteAsync(
                    new TaskCompletion { TaskId = t.Id, WorkerId = workerId, Attempt = t.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(1) },
                    CancellationToken.None).AsTask()));
            }
            catch (StorageUnavailableException)
            {
                // Redis is away: a worker waits and tries again; unfinished tasks come back when their lease expires.
                try
                {
                    await Task.Delay(50, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task<int> CountSucceededAsync(IVigilStorage storage, IEnumerable<string> ids)
    {
        var records = await Task.WhenAll(ids.Select(id => storage.GetTaskAsync(id, CancellationToken.None).AsTask()));
        return records.Count(r => r?.State == TaskState.Succeeded);
    }
}
