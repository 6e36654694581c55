using Vigil.Cli.Tests.Support;
using Vigil.Tasks;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary>
/// <c>vigil worker</c> processes sharing one real SQLite file: throughput with two workers, a worker killed with SIGKILL,
/// graceful shutdown with SIGTERM. Every wait is bounded; every child process is killed on dispose.
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _temp = new();
    private readonly List<ChildProcess> _processes = [];
    private SharedDatabase _db = null!;

    public WorkerProcessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _db = await SharedDatabase.CreateAsync(_temp.File("vigil.db"));

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                _output.WriteLine($"--- pid {process.Id} still running; its stderr:\n{process.StandardError}");
            }

            process.Dispose();
        }

        await _db.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task TwoWorkers_TenThousandTasks_EachSucceedsExactlyOnce()
    {
        // Arrange: two worker processes on one database file, both registered before any task exists.
        const int Count = 10_000;
        const string Queue = "bulk";
        var a = StartWorker("a", "--queues", Queue, "--concurrency", "8");
        var b = StartWorker("b", "--queues", Queue, "--concurrency", "8");
        await _db.WaitForWorkerAsync(a.Id, TimeSpan.FromSeconds(60));
        await _db.WaitForWorkerAsync(b.Id, TimeSpan.FromSeconds(60));

        // Act: one CLI call enqueues them in batches of 1000 (one storage round trip each).
        var enqueue = await VigilCli.RunAsync(
            ["enqueue", "demo.noop", "{}", "--queue", Queue, "--count", Count.ToString(), "--storage", _db.StorageArgument],
            timeout: TimeSpan.FromSeconds(120));
        Assert.True(enqueue.ExitCode == 0, enqueue.ToString());
        var ids = enqueue.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        Assert.Equal(Count, ids.Count);

        var started = DateTime.UtcNow;
        await Poll.UntilAsync(
            () => _db.CountAsync(Queue, "demo.noop", TaskState.Succeeded),
            succeeded => succeeded == Count,
            TimeSpan.FromSeconds(300),
            $"{Count} tasks to succeed",
            TimeSpan.FromSeconds(1));
        _output.WriteLine($"{Count} tasks run by two worker processes in {(DateTime.UtcNow - started).TotalSeconds:0.0}s");

        // Assert: in storage, every task succeeded on its first and only attempt (claimed once, never taken over).
        var tasks = await _db.ListAllAsync(Queue, "demo.noop");
        Assert.Equal(Count, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(TaskState.Succeeded, t.State));
        Assert.Equal(ids, tasks.Select(t => t.Id).ToHashSet());
        Assert.All(tasks, t => Assert.Equal(1, t.Attempt));
        foreach (var sample in tasks.Take(50))
        {
            var full = await _db.GetAsync(sample.Id);
            var attempt = Assert.Single(full.Timeline);
            Assert.Equal("succeeded", attempt.Outcome);
        }

        // And from the handlers' side: each task's handler ran to completion exactly once, over both processes.
        var runsA = Journal.Read(JournalPath("a"));
        var runsB = Journal.Read(JournalPath("b"));
        var runs = runsA.Concat(runsB).ToList();
        Assert.Equal(Count, runs.Count);
        Assert.Equal(ids, runs.Select(r => r.TaskId).ToHashSet());
        Assert.NotEmpty(runsA);
        Assert.NotEmpty(runsB);
        _output.WriteLine($"worker a ran {runsA.Count}, worker b ran {runsB.Count}");

        // Both drain and exit cleanly on SIGTERM.
        a.Terminate();
        b.Terminate();
        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task WorkerKilledMidTask_OtherWorkerTakesOverAfterLease_NothingLost()
    {
        // Arrange: worker a runs 4 long tasks at once under a 3 s lease; 2 more wait in the queue.
        const string Queue = "crash";
        var a = StartWorker("a", "--queues", Queue, "--concurrency", "4", "--lease", "3s");
        var workerA = await _db.WaitForWorkerAsync(a.Id, TimeSpan.FromSeconds(60));
        // One batch, so all are ready at once however slow the machine is.
        var ids = await EnqueueManyAsync("demo.sleep", "{\"ms\":5000}", Queue, 6);

        await Poll.UntilAsync(() => _db.CountAsync(Queue, "demo.sleep", TaskState.Running), running => running == 4, TimeSpan.FromSeconds(30), "4 tasks running on worker a");
        var runningOnA = (await _db.ListAllAsync(Queue, "demo.sleep")).Where(t => t.State == TaskState.Running).Select(t => t.Id).ToList();
        Assert.All(runningOnA, id => Assert.Contains(id, ids));

        // Act: SIGKILL in the middle of the tasks (no chance to release anything), then a second worker starts.
        a.Kill();
        await a.WaitForExitAsync(TimeSpan.FromSeconds(10));
        var killedAt = DateTime.UtcNow;
        var b = StartWorker("b", "--queues", Queue, "--concurrency", "4", "--lease", "3s");

        // Assert: every task succeeds; the 4 orphans only after their lease expired, each run once more by b.
        await Poll.UntilAsync(
            () => _db.CountAsync(Queue, "demo.sleep", TaskState.Succeeded), succeeded => succeeded == 6, TimeSpan.FromSeconds(90), "all 6 tasks to succeed");
        _output.WriteLine($"all tasks done {(DateTime.UtcNow - killedAt).TotalSeconds:0.0}s after the kill");
        var workerB = await _db.WaitForWorkerAsync(b.Id, TimeSpan.FromSeconds(5));

        foreach (var id in runningOnA)
        {
            var task = await _db.GetAsync(id);
            Assert.Equal(TaskState.Succeeded, task.State);
            Assert.Equal(2, task.Timeline.Count);
            Assert.Equal(workerA.WorkerId, task.Timeline[0].WorkerId);
            Assert.Equal("lease-expired", task.Timeline[0].Outcome);
            Assert.Equal(workerB.WorkerId, task.Timeline[1].WorkerId);
            Assert.Equal("succeeded", task.Timeline[1].Outcome);
            Assert.True(task.Timeline[1].StartedAt >= task.Timeline[0].StartedAt + TimeSpan.FromSeconds(3), "taken over before the lease expired");
        }

        Assert.Empty(Journal.Read(JournalPath("a")));
        var runsB = Journal.Read(JournalPath("b"));
        Assert.Equal(ids.Order(), runsB.Select(r => r.TaskId).Order());

        b.Terminate();
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Sigterm_InFlightTasksWithinGrace_FinishBeforeExit()
    {
        // Arrange
        const string Queue = "drain";
        var worker = StartWorker("w", "--queues", Queue, "--concurrency", "2", "--shutdown-grace", "30s");
        await _db.WaitForWorkerAsync(worker.Id, TimeSpan.FromSeconds(60));
        var ids = await EnqueueManyAsync("demo.sleep", "{\"ms\":4000}", Queue, 2);
        await Poll.UntilAsync(() => _db.CountAsync(Queue, "demo.sleep", TaskState.Running), running => running == 2, TimeSpan.FromSeconds(30), "2 tasks running");

        // Act
        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(45));

        // Assert: the worker let both finish, then exited cleanly and removed its record.
        Assert.Equal(0, exitCode);
        Assert.Equal(TaskState.Succeeded, (await _db.GetAsync(ids[0])).State);
        Assert.Equal(TaskState.Succeeded, (await _db.GetAsync(ids[1])).State);
        Assert.DoesNotContain(await _db.Storage.GetWorkersAsync(CancellationToken.None), w => w.ProcessId == worker.Id);
    }

    [Fact]
    public async Task Sigterm_TaskLongerThanGrace_IsReleasedToTheQueue()
    {
        // Arrange
        const string Queue = "release";
        var worker = StartWorker("w", "--queues", Queue, "--concurrency", "1", "--shutdown-grace", "1s");
        await _db.WaitForWorkerAsync(worker.Id, TimeSpan.FromSeconds(60));
        var id = await EnqueueAsync("demo.sleep", "{\"ms\":120000}", Queue);
        await Poll.UntilAsync(() => _db.CountAsync(Queue, "demo.sleep", TaskState.Running), running => running == 1, TimeSpan.FromSeconds(30), "the task running");

        // Act
        worker.Terminate();
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(45));

        // Assert: given back unrun, ready for the next worker, and the attempt says so.
        Assert.Equal(0, exitCode);
        var task = await _db.GetAsync(id);
        Assert.Equal(TaskState.Queued, task.State);
        Assert.Equal("released", task.Timeline[^1].Outcome);
        Assert.Empty(Journal.Read(JournalPath("w")));
    }

    [Fact]
    public async Task MaxTasksReached_WorkerDrainsAndExitsWithRecycleCode()
    {
        // Arrange
        const string Queue = "recycle";
        var worker = StartWorker("w", "--queues", Queue, "--concurrency", "1", "--max-tasks", "3");
        await _db.WaitForWorkerAsync(worker.Id, TimeSpan.FromSeconds(60));

        // Act
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync("demo.noop", "{}", Queue);
        }

        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // Assert: the core's recycle code passes through the CLI unchanged, for the supervisor; nothing was lost.
        Assert.Equal(VigilExitCodes.Recycle, exitCode);
        var tasks = await _db.ListAllAsync(Queue, "demo.noop");
        Assert.Equal(5, tasks.Count);
        // Its sentinel's probe tasks count as attempts too, so how many of these ran before the recycle varies; none is
        // left running or lost.
        Assert.All(tasks, t => Assert.True(t.State is TaskState.Succeeded or TaskState.Queued, $"{t.Id} is {t.State}"));
    }

    private ChildProcess StartWorker(string name, params string[] args)
    {
        var process = VigilCli.Start(
            ["worker", "--storage", _db.StorageArgument, .. args],
            new Dictionary<string, string?>
            {
                ["VIGIL_DEMO_JOURNAL"] = JournalPath(name),
                ["Vigil__HeartbeatInterval"] = "00:00:01",
                ["Vigil__PollInterval"] = "00:00:00.200",
            });
        _processes.Add(process);
        return process;
    }

    private string JournalPath(string name) => _temp.File($"journal-{name}.txt");

    private async Task<List<string>> EnqueueManyAsync(string type, string json, string queue, int count)
    {
        var result = await VigilCli.RunAsync(["enqueue", type, json, "--queue", queue, "--count", count.ToString(), "--storage", _db.StorageArgument]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var ids = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        Assert.Equal(count, ids.Count);
        return ids;
    }

    private async Task<string> EnqueueAsync(string type, string json, string queue)
    {
        var result = await VigilCli.RunAsync(["enqueue", type, json, "--queue", queue, "--storage", _db.StorageArgument]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Trim();
    }
}
