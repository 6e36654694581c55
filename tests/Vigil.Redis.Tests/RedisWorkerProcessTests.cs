using System.Diagnostics;
using System.Text.RegularExpressions;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Vigil.Redis.Tests;

/// <summary>
/// Real <c>vigil worker</c> processes on Redis: a worker killed with SIGKILL mid-task loses nothing, and a worker whose
/// connection is silently cut gives its leases up to a healthy peer, then heals and consumes again.
/// </summary>
public sealed partial class RedisWorkerProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ChildProcess> _processes = [];

    [Fact]
    public async Task TenThousandTasks_TwoWorkersOneKilledMidTask_AllSucceedNoneLost()
    {
        // Arrange: 10,000 short tasks, two worker processes.
        const int Count = 10_000;
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        var storage = await CreateStorageAsync(server.Url);
        await using var owned = (IAsyncDisposable)storage;
        for (var i = 0; i < Count; i += 1000)
        {
            await storage.EnqueueAsync(Enumerable.Range(0, 1000).Select(_ => SleepTask("q", 10)).ToList(), CancellationToken.None);
        }

        // A's lease is 6 s: what A held at the kill must still be A's when the test reads it, even if a loaded machine
        // stalls the test process for a couple of seconds (with 2 s it was read after B had taken everything over once).
        var a = StartWorker(server.Url, "q", 8, lease: "6s");
        var b = StartWorker(server.Url, "q", 8);
        var workerA = await WorkerIdAsync(a);
        await WorkerIdAsync(b);

        // Act: once the run is well under way, kill A with SIGKILL.
        // Killed only at a moment A is seen holding tasks, so that "mid-task" is true (10 ms tasks come and go fast).
        await Poll.UntilAsync(
            async () => await CountAsync(storage, TaskState.Succeeded) >= 2_000 && (await RunningOnAsync(storage, workerA)).Count > 0,
            TimeSpan.FromSeconds(120), "2,000 tasks to succeed while worker A holds some", TimeSpan.FromMilliseconds(5));
        a.Kill();
        var killedAt = Stopwatch.StartNew();

        // What A held when it died stays running under A's lease until the lease (6 s) expires: read it at once, before
        // waiting for the process to be reaped (on a loaded machine that wait can outlast the lease).
        var runningOnA = await RunningOnAsync(storage, workerA);
        await a.KillAsync();

        // Assert: every task succeeds (the killed worker's within its lease of 6 s plus the drain), none is dead or lost.
        try
        {
            await Poll.UntilAsync(
                async () => await CountAsync(storage, TaskState.Succeeded) == Count, TimeSpan.FromSeconds(180), "all 10,000 tasks to succeed", TimeSpan.FromMilliseconds(500));
        }
        catch (TimeoutException)
        {
            foreach (var state in Enum.GetValues<TaskState>())
            {
                output.WriteLine($"{state}: {await CountAsync(storage, state)}");
            }

            output.WriteLine("worker B output:\n" + b.Output);
            throw;
        }
        output.WriteLine($"all {Count} succeeded {killedAt.Elapsed.TotalSeconds:0.0} s after the kill; {runningOnA.Count} tasks were running on the killed worker");
        Assert.Equal(0, await CountAsync(storage, TaskState.Dead));
        Assert.Equal(Count, (await storage.ListTasksAsync(new TaskQuery { Queue = "q", Type = "demo.sleep" }, CancellationToken.None)).Total);
        Assert.NotEmpty(runningOnA);
        var takenOver = 0;
        foreach (var id in runningOnA)
        {
            var record = await storage.GetTaskAsync(id, CancellationToken.None);
            Assert.Equal(TaskState.Succeeded, record!.State);
            takenOver += record.Timeline.Any(t => t.Outcome == "lease-expired" && t.WorkerId == workerA) ? 1 : 0;
        }

        Assert.True(takenOver > 0, "no task of the killed worker was taken over after its lease expired");
        Assert.False(b.HasExited, b.Output);
    }

    [Fact]
    public async Task WorkerCutOffByProxy_HealthyWorkerTakesOverItsLeases_ItResumesAfterHeal()
    {
        // Arrange: worker A reaches Redis through a fault proxy, worker B directly; A alone claims 4 slow tasks.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        await using var proxy = new TcpFaultProxy(server.Port);
        var storage = await CreateStorageAsync(server.Url);
        await using var owned = (IAsyncDisposable)storage;
        var a = StartWorker($"redis://127.0.0.1:{proxy.Port}", "q", 4);
        var workerA = await WorkerIdAsync(a);
        var slow = Enumerable.Range(0, 4).Select(_ => SleepTask("q", 4_000)).ToList();
        await storage.EnqueueAsync(slow, CancellationToken.None);
        await Poll.UntilAsync(
            async () => (await Task.WhenAll(slow.Select(t => storage.GetTaskAsync(t.Id, CancellationToken.None).AsTask()))).All(r => r!.LeaseOwner == workerA),
            TimeSpan.FromSeconds(30), "worker A to run the 4 slow tasks");

        // Act 1: cut A off silently; start B.
        proxy.Blackhole();
        var cut = Stopwatch.StartNew();
        var b = StartWorker(server.Url, "q", 4);
        var workerB = await WorkerIdAsync(b);

        // Assert 1: A's watchdog notices within its bound (3 failed pings of 1 s + 1 s timeout, plus slack), and B
        // takes the 4 tasks over once A's 2 s leases expire, and completes them.
        await a.WaitForLineAsync(line => line.Contains("did not answer", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        var noticed = cut.Elapsed;
        await Poll.UntilAsync(
            async () => (await Task.WhenAll(slow.Select(t => storage.GetTaskAsync(t.Id, CancellationToken.None).AsTask()))).All(r => r!.State == TaskState.Succeeded),
            TimeSpan.FromSeconds(40), "worker B to finish A's tasks");
        foreach (var task in slow)
        {
            var record = (await storage.GetTaskAsync(task.Id, CancellationToken.None))!;
            Assert.Equal("lease-expired", record.Timeline[0].Outcome);
            Assert.Equal(workerA, record.Timeline[0].WorkerId);
            Assert.Equal(workerB, record.Timeline[^1].WorkerId);
            Assert.Equal("succeeded", record.Timeline[^1].Outcome);
        }

        // Act 2: heal the path; A must rebuild its connection and consume its private queue again.
        proxy.Heal();
        var healed = Stopwatch.StartNew();
        var probe = new NewTask { Id = Guid.NewGuid().ToString("N"), Type = "demo.echo", Queue = TaskNames.PrivateQueueFor(workerA), Payload = """{"back":true}""", MaxAttempts = 3 };
        await storage.EnqueueAsync([probe], CancellationToken.None);
        await Poll.UntilAsync(
            async () => (await storage.GetTaskAsync(probe.Id, CancellationToken.None))!.State == TaskState.Succeeded,
            TimeSpan.FromSeconds(30), "worker A to run a task of its private queue after the heal");
        var resumed = healed.Elapsed;

        // Assert 2
        output.WriteLine($"A noticed the cut after {noticed.TotalSeconds:0.0} s; A resumed {resumed.TotalSeconds:0.0} s after the heal");
        Assert.True(noticed < TimeSpan.FromSeconds(12), $"noticed after {noticed}");
        Assert.False(a.HasExited, a.Output);
        Assert.Equal(workerA, (await storage.GetTaskAsync(probe.Id, CancellationToken.None))!.Timeline[^1].WorkerId);
    }

    [Fact]
    public async Task Worker_IdleThenFiftyThousandNoopTasks_MeasuresIdleCpuAndDrainRate()
    {
        // Arrange: one idle worker process.
        const int Count = 50_000;
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        var storage = await CreateStorageAsync(server.Url);
        await using var owned = (IAsyncDisposable)storage;
        var worker = StartWorker(server.Url, "bench", 64);
        await WorkerIdAsync(worker);
        await Poll.UntilAsync(async () => (await storage.GetWorkersAsync(CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(30), "the worker's heartbeat");

        // Act 1: its CPU while idle (waiting for work on the pub/sub wake-up, plus heartbeats, watchdog and sentinel).
        using var process = Process.GetProcessById(worker.Id);
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10)); // measuring idleness itself: there is no condition to poll for
        process.Refresh();
        var idleCpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;

        // Act 2: enqueue 50,000 demo.noop tasks up front, then time the worker draining them.
        for (var i = 0; i < Count; i += 1000)
        {
            await storage.EnqueueAsync(
                Enumerable.Range(0, 1000).Select(_ => new NewTask { Id = Guid.NewGuid().ToString("N"), Type = "demo.noop", Queue = "bench", Payload = "{}", MaxAttempts = 3 }).ToList(),
                CancellationToken.None);
        }

        var drain = Stopwatch.StartNew();
        await Poll.UntilAsync(
            async () => (await storage.ListTasksAsync(new TaskQuery { Queue = "bench", Type = "demo.noop", State = TaskState.Succeeded, Limit = 1 }, CancellationToken.None)).Total == Count,
            TimeSpan.FromMinutes(5), "the worker to drain 50,000 tasks", TimeSpan.FromMilliseconds(100));
        var rate = Count / drain.Elapsed.TotalSeconds;

        // Assert (loose: the machine is shared; the figures go to the README).
        output.WriteLine($"idle worker process CPU {idleCpu:0.00} % of one core; drained {Count} demo.noop tasks at {rate:N0} tasks/s (concurrency 64)");
        Assert.True(idleCpu < 30, $"idle CPU {idleCpu:0.0} % (a busy-polling worker would use a whole core)");
        Assert.True(rate > 500, $"drain {rate:N0} tasks/s");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime, not IAsyncDisposable: xUnit 2 does not dispose a test class through IAsyncDisposable, which left
    // the worker processes running after the tests.
    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    private static NewTask SleepTask(string queue, int ms) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = "demo.sleep",
        Queue = queue,
        Payload = $$"""{"ms":{{ms}}}""",
        MaxAttempts = 5,
    };

    private static async Task<IVigilStorage> CreateStorageAsync(string url)
    {
        // The CLI uses the default key prefix, so the test reads the same keys (each test has its own server).
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = url });
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    /// <summary>The test's tasks in <paramref name="state"/> (the sentinel also sends probe tasks through queue q).</summary>
    private static async Task<long> CountAsync(IVigilStorage storage, TaskState state) =>
        (await storage.ListTasksAsync(new TaskQuery { Queue = "q", Type = "demo.sleep", State = state, Limit = 1 }, CancellationToken.None)).Total;

    private static async Task<List<string>> RunningOnAsync(IVigilStorage storage, string workerId) =>
        (await storage.ListTasksAsync(new TaskQuery { Queue = "q", State = TaskState.Running, Limit = 1000 }, CancellationToken.None))
            .Tasks.Where(t => t.LeaseOwner == workerId).Select(t => t.Id).ToList();

    private ChildProcess StartWorker(string storageUrl, string queues, int concurrency, string lease = "2s")
    {
        var process = VigilCli.Start(
            ["worker", "--storage", storageUrl, "--queues", queues, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lease", lease],
            TestSupport.WorkerEnvironment);
        _processes.Add(process);
        return process;
    }

    private static async Task<string> WorkerIdAsync(ChildProcess worker)
    {
        var line = await worker.WaitForLineAsync(l => WorkerStarted().IsMatch(l), TimeSpan.FromSeconds(60));
        return WorkerStarted().Match(line).Groups[1].Value;
    }

    [GeneratedRegex(@"Worker (\S+) started")]
    private static partial Regex WorkerStarted();
}
