using System.Diagnostics;
using System.Text.Json;
using Vigil.Client;
using Vigil.Observability.Tests.Support;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Processes;

/// <summary>
/// Real <c>vigil</c> worker processes leaving a shared SQLite file, watched through a real server's <c>/health</c>: a clean
/// stop leaves the report at once; a crash is reported as gone — degraded while others serve its queues, unhealthy when it
/// left a queue unserved — and forgotten after <c>Vigil:Health:ForgetWorkerAfter</c>.
/// </summary>
public sealed class WorkerDepartureTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _temp = new("vigil-departure");
    private readonly List<ChildProcess> _processes = [];

    private string Db => _temp.File("vigil.db");

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task GracefulStop_Worker_LeavesTheReportAtOnceAndHealthStaysHealthy()
    {
        // Arrange: a forget window far longer than the test, so only deregistration can remove it.
        using var http = await StartServerAsync(new() { ["Vigil__Health__ForgetWorkerAfter"] = "00:10:00" });
        var leaving = StartWorker("work");
        StartWorker("work");
        var report = await WaitForReportAsync(http, r => Workers(r).Count() == 2, "both workers in /health");
        var leavingId = Workers(report).Single(w => w.GetProperty("processId").GetInt32() == leaving.Id).GetProperty("workerId").GetString()!;

        // Act
        leaving.Terminate();
        var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exited = Stopwatch.StartNew();
        report = await WaitForReportAsync(http, r => Workers(r).Count() == 1, $"worker {leavingId} to leave /health");
        output.WriteLine($"worker {leavingId} left /health {exited.Elapsed.TotalSeconds:0.0} s after it exited");

        // Assert: a clean exit, no "gone" worker, nothing degraded by it.
        Assert.Equal(0, exitCode);
        Assert.Null(report.Component("vigil.workers", "worker:" + leavingId));
        Assert.Equal("Healthy", report.GetProperty("entries").GetProperty("vigil.workers").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Crash_QueueServedByAnother_DegradedWithItsLeaseTakenOverThenForgotten()
    {
        // Arrange: the victim holds a long task, and its heartbeat says so.
        using var http = await StartServerAsync();
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var victim = StartWorker("work");
        var taskId = await store.Client.EnqueueJsonAsync("demo.sleep", """{"ms":8000}""", new EnqueueOptions { Queue = "work" });
        var claimed = await Poll.UntilAsync(
            async () => await store.Client.GetTaskAsync(taskId), t => t?.LeaseOwner is not null, TimeSpan.FromSeconds(60), "the victim to claim the task");
        var victimId = claimed!.LeaseOwner!;
        await Poll.UntilAsync(
            async () => await store.Storage.GetWorkersAsync(CancellationToken.None),
            workers => workers.Any(w => w.WorkerId == victimId && w.InFlight == 1), TimeSpan.FromSeconds(30), "the victim's heartbeat to count the task");

        // Act: SIGKILL, as a crash or the OOM killer would; then a peer on the same queue starts (as a supervisor would).
        await victim.KillAsync();
        var killed = Stopwatch.StartNew();
        StartWorker("work");

        // Assert: reported gone, degraded (its queue is served), saying when it vanished and that its lease was taken over.
        var report = await WaitForReportAsync(
            http,
            r => Description(r, victimId)?.Contains("its 1 lease was taken over", StringComparison.Ordinal) == true,
            $"/health to report {victimId} gone with its lease taken over");
        var entry = report.Component("vigil.workers", "worker:" + victimId)!.Value;
        var description = entry.GetProperty("description").GetString()!;
        output.WriteLine($"{killed.Elapsed.TotalSeconds:0.0} s after SIGKILL: {description}");
        Assert.Equal("Degraded", entry.GetProperty("status").GetString());
        Assert.StartsWith($"worker {victimId} is gone: it vanished at ", description, StringComparison.Ordinal);
        Assert.Contains("its queues are served by 1 live worker", description, StringComparison.Ordinal);
        Assert.NotEqual("Unhealthy", report.Status());

        // Assert: the task finished on the living worker; nothing lost.
        var done = await Poll.UntilAsync(
            async () => await store.Client.GetTaskAsync(taskId), t => t!.State.IsTerminal(), TimeSpan.FromSeconds(60), "the task to finish elsewhere");
        Assert.Equal(TaskState.Succeeded, done!.State);
        Assert.NotEqual(victimId, done.Timeline[^1].WorkerId);

        // Assert: forgotten after the window, and then nothing is left degraded by it.
        report = await WaitForReportAsync(
            http, r => r.Component("vigil.workers", "worker:" + victimId) is null, $"{victimId} to be forgotten", TimeSpan.FromSeconds(60));
        output.WriteLine($"forgotten {killed.Elapsed.TotalSeconds:0.0} s after SIGKILL");
        Assert.True(killed.Elapsed >= ForgetAfter - TimeSpan.FromSeconds(1), $"forgotten after {killed.Elapsed}, before the window of {ForgetAfter}");
        Assert.Equal("Healthy", report.GetProperty("entries").GetProperty("vigil.workers").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Crash_OnlyWorkerOfItsQueue_UnhealthyNamingTheQueueLeftUnserved()
    {
        // Arrange: the victim alone consumes 'solo'; another worker lives, on another queue.
        using var http = await StartServerAsync();
        await using var store = await StorageClient.OpenSqliteAsync(Db);
        var victim = StartWorker("solo");
        var taskId = await store.Client.EnqueueJsonAsync("demo.sleep", """{"ms":60000}""", new EnqueueOptions { Queue = "solo" });
        var claimed = await Poll.UntilAsync(
            async () => await store.Client.GetTaskAsync(taskId), t => t?.LeaseOwner is not null, TimeSpan.FromSeconds(60), "the victim to claim the task");
        var victimId = claimed!.LeaseOwner!;
        StartWorker("other");
        await WaitForReportAsync(http, r => Workers(r).Count() == 2, "both workers in /health");

        // Act
        await victim.KillAsync();

        // Assert
        var report = await WaitForReportAsync(
            http, r => Description(r, victimId)?.Contains("vanished", StringComparison.Ordinal) == true, $"/health to report {victimId} gone");
        var entry = report.Component("vigil.workers", "worker:" + victimId)!.Value;
        var description = entry.GetProperty("description").GetString()!;
        output.WriteLine(description);
        Assert.Equal("Unhealthy", entry.GetProperty("status").GetString());
        Assert.Contains("and left queue 'solo' unserved: no live worker consumes it", description, StringComparison.Ordinal);
        Assert.Contains("its 1 lease waits for a live worker to take it over", description, StringComparison.Ordinal);
        Assert.Equal("Unhealthy", report.Status());
        Assert.Equal(TaskState.Running, (await store.Client.GetTaskAsync(taskId))!.State);
    }

    private static IEnumerable<JsonElement> Workers(JsonElement report) =>
        report.GetProperty("entries").GetProperty("vigil.workers").GetProperty("data").EnumerateObject().Select(p => p.Value);

    private static string? Description(JsonElement report, string workerId) =>
        report.Component("vigil.workers", "worker:" + workerId)?.GetProperty("description").GetString();

    private static Task<JsonElement> WaitForReportAsync(HttpClient http, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Poll.UntilAsync(
            async () => JsonDocument.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync()).RootElement,
            done,
            timeout ?? TimeSpan.FromSeconds(45),
            what);

    private async Task<HttpClient> StartServerAsync(Dictionary<string, string?>? overrides = null)
    {
        var port = FreePort.Next();
        Start(["server", "--storage", "sqlite:" + Db, "--no-worker", "--urls", $"http://127.0.0.1:{port}"], overrides);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(async () => (int)(await http.GetAsync("/health/ready")).StatusCode, s => s == 200, TimeSpan.FromSeconds(60), "the server to be ready");
        return http;
    }

    private ChildProcess StartWorker(string queue) =>
        Start(["worker", "--storage", "sqlite:" + Db, "--concurrency", "2", "--shutdown-grace", "1s", "--queues", queue]);

    private ChildProcess Start(IEnumerable<string> args, Dictionary<string, string?>? overrides = null)
    {
        // Seconds instead of tens of seconds, through configuration (environment variables), as an operator would.
        var settings = new Dictionary<string, string?>
        {
            ["VIGIL_HOME"] = _temp.Path,
            ["Vigil__HeartbeatInterval"] = "00:00:00.500",
            ["Vigil__PollInterval"] = "00:00:00.200",
            ["Vigil__LeaseDuration"] = "00:00:03",
            ["Vigil__LeaseRenewInterval"] = "00:00:01",
            ["Vigil__Sentinel__Interval"] = "00:00:02",
            ["Vigil__Sentinel__Deadline"] = "00:00:02",
            ["Vigil__Sentinel__CheckInterval"] = "00:00:00.500",
            ["Vigil__Health__HeartbeatDegradedAge"] = "00:00:02",
            ["Vigil__Health__HeartbeatUnhealthyAge"] = "00:00:04",
            ["Vigil__Health__ForgetWorkerAfter"] = ForgetAfter.ToString(),
            ["Vigil__Health__SnapshotCacheDuration"] = "00:00:00.200",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var process = VigilCli.Start(args, settings);
        _processes.Add(process);
        return process;
    }
}
