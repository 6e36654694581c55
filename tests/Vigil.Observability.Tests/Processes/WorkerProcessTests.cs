using System.Diagnostics;
using System.Text.Json;
using Vigil.Client;
using Vigil.Observability.Tests.Support;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Processes;

/// <summary>Real <c>vigil</c> processes on a shared SQLite file: the faults the observability exists for.</summary>
public sealed class WorkerProcessTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _temp = new();
    private readonly List<ChildProcess> _processes = [];

    private string Db => _temp.File("vigil.db");

    private string StorageArg => "sqlite:" + Db;

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task ZombieWorker_AmongTwoHealthy_IsNamedTheLadderRecyclesItAndItsTaskCompletesElsewhere()
    {
        // Arrange: the web server (the first sentinel candidate) runs; a long task is claimed by the zombie-to-be before any
        // other worker runs.
        var port = FreePort.Next();
        Start(["server", "--storage", StorageArg, "--no-worker", "--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(async () => (int)(await http.GetAsync("/health/ready")).StatusCode, s => s == 200, TimeSpan.FromSeconds(60), "the server to be ready");
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var taskId = await store.Client.EnqueueJsonAsync("demo.sleep", """{"ms":20000}""", new EnqueueOptions { Queue = "work" });
        // Its ladder steps are spaced 4 s apart so that /health has time to see it before it recycles.
        var zombiePort = FreePort.Next();
        var zombie = Start(
            ["worker", "--storage", StorageArg, "--concurrency", "4", "--shutdown-grace", "1s", "--queues", "work", "--fault", "freeze-consume-after=1",
             "--health-urls", $"http://127.0.0.1:{zombiePort}"],
            new() { ["Vigil__Recovery__StepTimeout"] = "00:00:04" });
        var record = await Poll.UntilAsync(
            async () => await store.Client.GetTaskAsync(taskId), t => t?.LeaseOwner is not null, TimeSpan.FromSeconds(60), "the zombie to claim the task");
        var zombieId = record!.LeaseOwner!;
        var frozenAt = Stopwatch.StartNew();

        // Act: two healthy workers join; /health is watched.
        StartWorker();
        StartWorker();
        var named = await Poll.UntilAsync(
            async () => JsonDocument.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync()).RootElement,
            r => r.Component("vigil.workers", "worker:" + zombieId)?.GetProperty("status").GetString() == "Unhealthy",
            TimeSpan.FromSeconds(30), $"/health to name the zombie {zombieId}");
        var namedAfter = frozenAt.Elapsed;
        output.WriteLine($"zombie {zombieId} named unhealthy {namedAfter.TotalSeconds:0.0} s after it froze");

        // Assert: named within two probe intervals (plus the probe deadline and the heartbeat it is read from).
        var description = named.Component("vigil.workers", "worker:" + zombieId)!.Value.GetProperty("description").GetString()!;
        Assert.Contains($"worker {zombieId}", description, StringComparison.Ordinal);
        Assert.Contains("its loop last turned", description, StringComparison.Ordinal);
        Assert.True(namedAfter < 2 * ProbeInterval + ProbeDeadline + TimeSpan.FromSeconds(2), $"named after {namedAfter}: {description}");
        Assert.Equal("Unhealthy", named.Status());

        // Assert: its own liveness endpoint fails too, so an orchestrator would restart it.
        using var zombieHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{zombiePort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(
            async () => (int)(await zombieHttp.GetAsync("/health/live")).StatusCode, s => s == 503, TimeSpan.FromSeconds(10), "the zombie's /health/live to fail");

        // Assert: the ladder ran its three steps, and the zombie exited with the unresponsive code.
        var exitCode = await zombie.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"zombie exited with {exitCode} {frozenAt.Elapsed.TotalSeconds:0.0} s after it froze");
        Assert.True(exitCode == VigilExitCodes.Unresponsive, $"exit {exitCode}\n{zombie.Output}");
        Assert.Contains("recovery step 1", zombie.Output, StringComparison.Ordinal);
        Assert.Contains("recovery step 2", zombie.Output, StringComparison.Ordinal);
        Assert.Contains("recovery step 3", zombie.Output, StringComparison.Ordinal);

        // Assert: its task was taken over and completed by a living worker; nothing lost.
        var done = await Poll.UntilAsync(
            async () => await store.Client.GetTaskAsync(taskId), t => t!.State.IsTerminal(), TimeSpan.FromSeconds(60), "the long task to finish elsewhere");
        Assert.Equal(TaskState.Succeeded, done!.State);
        Assert.NotEqual(zombieId, done.Timeline[^1].WorkerId);
        Assert.Equal(zombieId, done.Timeline[0].WorkerId);
    }

    [Fact]
    public async Task MemoryCeiling_AllocatingHandler_WorkerDrainsAndExitsWithRecycleCodeAndNothingIsLost()
    {
        // Arrange
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var big = await store.Client.EnqueueJsonAsync("demo.allocate", """{"mb":300,"holdMs":1500}""", new EnqueueOptions { Queue = "mem" });
        var small = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            small.Add(await store.Client.EnqueueJsonAsync("demo.sleep", """{"ms":200}""", new EnqueueOptions { Queue = "mem" }));
        }

        // Act: a worker with a 200 MiB ceiling.
        var worker = StartWorker(["--queues", "mem", "--max-memory", "200"], queues: false, grace: "10s");
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(90));

        // Assert: recycled on purpose, with the reason in its log.
        Assert.True(exitCode == VigilExitCodes.Recycle, $"exit {exitCode}\n{worker.Output}");
        Assert.Contains("over the ceiling of 200 MB", worker.Output, StringComparison.Ordinal);

        // The big task finished within the drain, on the recycled worker; a fresh worker (what the supervisor would
        // start) finishes whatever was left: every task succeeded.
        var bigRecord = await store.Client.GetTaskAsync(big);
        Assert.Equal(TaskState.Succeeded, bigRecord!.State);
        var successor = StartWorker(["--queues", "mem"], queues: false);
        var all = await Poll.UntilAsync(
            async () => await Task.WhenAll(small.Append(big).Select(id => store.Client.GetTaskAsync(id).AsTask())),
            tasks => tasks.All(t => t!.State.IsTerminal()), TimeSpan.FromSeconds(60), "every task to finish");
        Assert.All(all, t => Assert.Equal(TaskState.Succeeded, t!.State));
        Assert.False(successor.HasExited, successor.Output);
    }

    [Fact]
    public async Task MaxTasks_Reached_WorkerExitsWithRecycleCodeAfterFinishingItsTasks()
    {
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await store.Client.EnqueueJsonAsync("demo.noop", "{}", new EnqueueOptions { Queue = "few" }));
        }

        var worker = StartWorker(["--queues", "few", "--max-tasks", "3"], queues: false);
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == VigilExitCodes.Recycle, $"exit {exitCode}\n{worker.Output}");
        Assert.Contains("the limit is 3", worker.Output, StringComparison.Ordinal);
        var tasks = await Task.WhenAll(ids.Select(id => store.Client.GetTaskAsync(id).AsTask()));
        Assert.True(tasks.Count(t => t!.State == TaskState.Succeeded) >= 3);
        Assert.DoesNotContain(tasks, t => t!.State == TaskState.Running);
    }

    private ChildProcess StartWorker(params string[] extra) => StartWorker(extra, queues: true);

    private ChildProcess StartWorker(string[] extra, bool queues, string grace = "1s")
    {
        List<string> args = ["worker", "--storage", StorageArg, "--concurrency", "4", "--shutdown-grace", grace];
        if (queues)
        {
            args.AddRange(["--queues", "work"]);
        }

        args.AddRange(extra);
        return Start(args);
    }

    private ChildProcess Start(IEnumerable<string> args, Dictionary<string, string?>? overrides = null)
    {
        var settings = FastSettings();
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var process = VigilCli.Start(args, settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>Thresholds of seconds instead of tens of seconds, through configuration (environment variables).</summary>
    private Dictionary<string, string?> FastSettings() => new()
    {
        ["VIGIL_HOME"] = _temp.Path,
        ["Vigil__HeartbeatInterval"] = "00:00:00.500",
        ["Vigil__PollInterval"] = "00:00:00.200",
        ["Vigil__LeaseDuration"] = "00:00:05",
        ["Vigil__LeaseRenewInterval"] = "00:00:01",
        ["Vigil__Sentinel__Interval"] = ProbeInterval.ToString(),
        ["Vigil__Sentinel__Deadline"] = ProbeDeadline.ToString(),
        ["Vigil__Sentinel__CheckInterval"] = "00:00:00.500",
        ["Vigil__Sentinel__LockDuration"] = "00:00:05",
        ["Vigil__Health__HeartbeatDegradedAge"] = "00:00:03",
        ["Vigil__Health__HeartbeatUnhealthyAge"] = "00:00:06",
        ["Vigil__Health__LoopTickDegradedAge"] = "00:00:03",
        ["Vigil__Health__LoopTickUnhealthyAge"] = "00:00:06",
        ["Vigil__Health__SnapshotCacheDuration"] = "00:00:00.200",
        ["Vigil__Recovery__CheckInterval"] = "00:00:00.500",
        ["Vigil__Recovery__LoopStaleAfter"] = "00:00:03",
        ["Vigil__Recovery__StepTimeout"] = "00:00:02",
    };
}
