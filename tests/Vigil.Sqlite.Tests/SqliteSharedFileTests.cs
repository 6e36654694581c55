using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Sqlite.Engine;
using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Sqlite.Tests;

/// <summary>
/// Several storage instances over one file. An instance with a hub of its own has its own connections, write gate and
/// wake-up signals, as another process would: only SQLite's file locks stand between them.
/// </summary>
public sealed class SqliteSharedFileTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<SqliteVigilStorage> _storages = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <summary>An instance that behaves like another process on the file: own pool, own gate, own signals.</summary>
    private async Task<SqliteVigilStorage> CreateAsOtherProcessAsync(string path, Action<SqliteStorageOptions>? configure = null) =>
        await CreateAsync(path, new SqliteDatabaseHub(), configure);

    /// <summary>An instance in this process, sharing its gate and signals with the others of this process.</summary>
    private async Task<SqliteVigilStorage> CreateInThisProcessAsync(string path) => await CreateAsync(path, hub: null, configure: null);

    private async Task<SqliteVigilStorage> CreateAsync(string path, SqliteDatabaseHub? hub, Action<SqliteStorageOptions>? configure)
    {
        var options = new SqliteStorageOptions { Path = path };
        configure?.Invoke(options);
        var storage = new SqliteVigilStorage(
            SqliteStorageOptionsValidator.ValidateAndCopy(options), _time, NullLogger<SqliteVigilStorage>.Instance, hub);
        _storages.Add(storage);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    private static NewTask NewTask(string queue = "q") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = "shared.work",
        Queue = queue,
        Payload = "{}",
        MaxAttempts = 3,
    };

    [Fact]
    public async Task ClaimAsync_TwoProcessesOnOneFile_NeverClaimTheSameTask()
    {
        // Arrange
        const int Count = 600;
        var path = _directory.File("shared.db");
        var a = await CreateAsOtherProcessAsync(path);
        var b = await CreateAsOtherProcessAsync(path);
        await a.EnqueueAsync(Enumerable.Range(0, Count).Select(_ => NewTask()).ToList(), CancellationToken.None);
        var completed = new ConcurrentBag<string>();

        // Act: four claim-and-complete loops on each instance.
        var loops = new[] { a, b }.SelectMany(storage => Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var worker = $"{(storage == a ? "a" : "b")}-{i}";
            while (true)
            {
                var claimed = await storage.ClaimAsync(
                    new ClaimRequest { WorkerId = worker, Queues = ["q"], MaxCount = 4, LeaseDuration = TimeSpan.FromMinutes(1) },
                    CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var task in claimed)
                {
                    Assert.True(await storage.CompleteAsync(
                        new TaskCompletion { TaskId = task.Id, WorkerId = worker, Attempt = task.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(1) },
                        CancellationToken.None));
                    completed.Add(task.Id);
                }
            }
        })));
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Equal(Count, completed.Count);
        Assert.Equal(Count, completed.Distinct().Count());
        var page = await b.ListTasksAsync(new TaskQuery { State = TaskState.Succeeded, Limit = 1 }, CancellationToken.None);
        Assert.Equal(Count, page.Total);
        var stats = await a.GetStatisticsAsync(new() { From = _time.GetUtcNow().AddMinutes(-1), To = _time.GetUtcNow().AddMinutes(1) }, CancellationToken.None);
        Assert.Equal(Count, stats.Sum(s => s.Succeeded));
        Assert.Equal(Count, stats.Sum(s => s.WaitCount));
    }

    [Fact]
    public async Task Reopen_AfterDispose_NothingIsLost()
    {
        // Arrange: queued, running, succeeded, dead, scheduled tasks, a heartbeat, an event and a lock.
        var path = _directory.File("durable.db");
        var first = await CreateInThisProcessAsync(path);
        var tasks = Enumerable.Range(0, 20).Select(_ => NewTask()).ToList();
        await first.EnqueueAsync(tasks, CancellationToken.None);
        await first.EnqueueAsync([NewTask() with { DueAt = _time.GetUtcNow().AddHours(1) }], CancellationToken.None);
        var claimed = await first.ClaimAsync(
            new ClaimRequest { WorkerId = "w", Queues = ["q"], MaxCount = 3, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        Assert.True(await first.CompleteAsync(
            new TaskCompletion { TaskId = claimed[0].Id, WorkerId = "w", Attempt = 1, Outcome = CompletionOutcome.Succeeded, Result = "\"ok\"", RunTime = TimeSpan.FromSeconds(1) },
            CancellationToken.None));
        Assert.True(await first.CompleteAsync(
            new TaskCompletion { TaskId = claimed[1].Id, WorkerId = "w", Attempt = 1, Outcome = CompletionOutcome.Dead, Error = new TaskError("E", "boom", "stack"), RunTime = TimeSpan.FromSeconds(1) },
            CancellationToken.None));
        Assert.True(await first.TryAcquireLockAsync("sentinel", "me", TimeSpan.FromMinutes(5), CancellationToken.None));
        var before = await first.ListTasksAsync(new TaskQuery { Limit = 100 }, CancellationToken.None);
        var beforeDead = await first.GetTaskAsync(claimed[1].Id, CancellationToken.None);
        await first.DisposeAsync();

        // Act
        var second = await CreateAsOtherProcessAsync(path);
        var after = await second.ListTasksAsync(new TaskQuery { Limit = 100 }, CancellationToken.None);

        // Assert
        Assert.Equal(21, after.Total);
        Assert.Equal(before.Tasks, after.Tasks);
        Assert.Equal(beforeDead!.Timeline, (await second.GetTaskAsync(claimed[1].Id, CancellationToken.None))!.Timeline);
        Assert.Equal("\"ok\"", (await second.GetTaskAsync(claimed[0].Id, CancellationToken.None))!.Result);
        Assert.False(await second.TryAcquireLockAsync("sentinel", "other", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Equal(17, (await second.ClaimAsync(
            new ClaimRequest { WorkerId = "w2", Queues = ["q"], MaxCount = 100, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueByThisProcess_WakesAtOnce()
    {
        var path = _directory.File("wake-local.db");
        var waiter = await CreateInThisProcessAsync(path);
        var producer = await CreateInThisProcessAsync(path);
        var wait = waiter.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();
        var stopwatch = Stopwatch.StartNew();

        await producer.EnqueueAsync([NewTask()], CancellationToken.None);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(500), $"Woke after {stopwatch.Elapsed.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueByAnotherProcess_WakesWithinThePollBound()
    {
        var path = _directory.File("wake-remote.db");
        var waiter = await CreateAsOtherProcessAsync(path, o => o.ChangePollInterval = TimeSpan.FromMilliseconds(25));
        var producer = await CreateAsOtherProcessAsync(path);
        var wait = waiter.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();
        var stopwatch = Stopwatch.StartNew();

        await producer.EnqueueAsync([NewTask()], CancellationToken.None);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"Woke after {stopwatch.Elapsed.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueByAnotherProcess_WakesOnTheFileWriteBeforeTheNextSample()
    {
        // Arrange: a sampling interval far longer than the bound below, so only the file-write notification can wake
        // the waiter in time. The waiter first sees a commit of its own, which starts its sampling phase.
        var path = _directory.File("wake-notify.db");
        var waiter = await CreateAsOtherProcessAsync(path, o => o.ChangePollInterval = TimeSpan.FromSeconds(4));
        var producer = await CreateAsOtherProcessAsync(path);
        await waiter.EnqueueAsync([NewTask("elsewhere")], CancellationToken.None);
        var wait = waiter.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();
        var stopwatch = Stopwatch.StartNew();

        // Act
        await producer.EnqueueAsync([NewTask()], CancellationToken.None);
        await wait.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"Woke after {stopwatch.Elapsed.TotalMilliseconds} ms.");
    }

    [Fact]
    public async Task WaitForWorkAsync_OtherProcessCommitsElsewhere_KeepsWaiting()
    {
        var path = _directory.File("wake-other-queue.db");
        var waiter = await CreateAsOtherProcessAsync(path, o => o.ChangePollInterval = TimeSpan.FromMilliseconds(10));
        var producer = await CreateAsOtherProcessAsync(path);
        var wait = waiter.WaitForWorkAsync(["q"], TimeSpan.FromHours(1), CancellationToken.None).AsTask();

        await producer.EnqueueAsync([NewTask("other-queue")], CancellationToken.None);
        await producer.RecordHeartbeatAsync(
            new Workers.WorkerHeartbeat { WorkerId = "w", Host = "h", ProcessId = 1, Queues = ["q"], Concurrency = 1, Status = "running", StartedAt = _time.GetUtcNow(), HeartbeatAt = _time.GetUtcNow(), LoopTickAt = _time.GetUtcNow() },
            CancellationToken.None);
        var first = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromMilliseconds(400)));

        Assert.NotSame(wait, first);
        await producer.EnqueueAsync([NewTask("q")], CancellationToken.None);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnyWrite_FileLockedByAnotherProcessPastBusyTimeout_ThrowsStorageUnavailable()
    {
        // Arrange: another connection holds the write lock.
        var path = _directory.File("locked.db");
        var storage = await CreateAsOtherProcessAsync(path, o => o.BusyTimeout = TimeSpan.FromMilliseconds(200));
        using var blocker = SqliteStorageInitializationTests.OpenRaw(path);
        SqliteStorageInitializationTests.Execute(blocker, "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; INSERT INTO vigil_probe (key, value) VALUES ('x', 'y');");
        var task = NewTask();

        // Act
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.EnqueueAsync([task], CancellationToken.None))
            .WaitAsync(TimeSpan.FromSeconds(20));
        SqliteStorageInitializationTests.Execute(blocker, "ROLLBACK");

        // Assert: the message names the file, the cause and the option; nothing was stored, and it works again.
        Assert.Contains(path, ex.Message);
        Assert.Contains("BusyTimeout", ex.Message);
        Assert.Null(await storage.GetTaskAsync(task.Id, CancellationToken.None));
        await storage.EnqueueAsync([task], CancellationToken.None);
        Assert.NotNull(await storage.GetTaskAsync(task.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AnyWrite_PastCommandTimeout_ThrowsStorageUnavailableNamingTheOption()
    {
        // Arrange: this process's write gate is held (a stuck call) longer than the call may take.
        var path = _directory.File("slow.db");
        var hub = new SqliteDatabaseHub();
        var storage = await CreateAsync(path, hub, o => o.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await hub.WriteGate.WaitAsync();

        try
        {
            // Act
            var ex = await Assert.ThrowsAsync<StorageUnavailableException>(async () => await storage.EnqueueAsync([NewTask()], CancellationToken.None))
                .WaitAsync(TimeSpan.FromSeconds(10));

            // Assert
            Assert.Contains("CommandTimeout", ex.Message);
            Assert.Contains(path, ex.Message);
        }
        finally
        {
            hub.WriteGate.Release();
        }
    }

    [Fact]
    public async Task CompleteAsync_CancelledWhileWaitingForTheGroupCommit_StoresNothing()
    {
        // Arrange: a running task, and this process's write gate held so the completion has to wait.
        var path = _directory.File("group-cancel.db");
        var hub = new SqliteDatabaseHub();
        var storage = await CreateAsync(path, hub, configure: null);
        await storage.EnqueueAsync([NewTask()], CancellationToken.None);
        var task = Assert.Single(await storage.ClaimAsync(
            new ClaimRequest { WorkerId = "w", Queues = ["q"], MaxCount = 1, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None));
        var completion = new TaskCompletion { TaskId = task.Id, WorkerId = "w", Attempt = 1, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.Zero };
        using var cts = new CancellationTokenSource();
        await hub.WriteGate.WaitAsync();
        ValueTask<bool> cancelled;
        try
        {
            // Act
            cancelled = storage.CompleteAsync(completion, cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            hub.WriteGate.Release();
        }

        // Assert: the cancelled call stored nothing; the next one does.
        Assert.Equal(TaskState.Running, (await storage.GetTaskAsync(task.Id, CancellationToken.None))!.State);
        Assert.True(await storage.CompleteAsync(completion, CancellationToken.None));
        Assert.Equal(TaskState.Succeeded, (await storage.GetTaskAsync(task.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task CompleteAsync_ManyAtOnce_AreGroupedAndEachAnsweredOnItsOwn()
    {
        var path = _directory.File("group.db");
        var storage = await CreateInThisProcessAsync(path);
        await storage.EnqueueAsync(Enumerable.Range(0, 200).Select(_ => NewTask()).ToList(), CancellationToken.None);
        var claimed = await storage.ClaimAsync(
            new ClaimRequest { WorkerId = "w", Queues = ["q"], MaxCount = 200, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);

        // Every other completion names the wrong worker: it must fail alone, without failing its batch.
        var results = await Task.WhenAll(claimed.Select((t, i) => Task.Run(async () => await storage.CompleteAsync(
            new TaskCompletion { TaskId = t.Id, WorkerId = i % 2 == 0 ? "w" : "intruder", Attempt = t.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.Zero },
            CancellationToken.None)))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(claimed.Select((_, i) => i % 2 == 0), results);
        Assert.Equal(100, (await storage.ListTasksAsync(new TaskQuery { State = TaskState.Succeeded }, CancellationToken.None)).Total);
        Assert.Equal(100, (await storage.ListTasksAsync(new TaskQuery { State = TaskState.Running }, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task EnqueueAsync_DuplicateId_FailsThatCallAloneAndStoresNothingOfIt()
    {
        var storage = await CreateInThisProcessAsync(_directory.File("duplicate.db"));
        var existing = NewTask();
        await storage.EnqueueAsync([existing], CancellationToken.None);
        var fresh = NewTask();
        var others = Enumerable.Range(0, 20).Select(_ => NewTask()).ToList();

        // The bad call races with good ones that may share its transaction.
        var good = others.Select(t => Task.Run(async () => await storage.EnqueueAsync([t], CancellationToken.None))).ToList();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await storage.EnqueueAsync([fresh, existing with { Payload = "{\"other\":1}" }], CancellationToken.None));
        await Task.WhenAll(good).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains(existing.Id, ex.Message);
        Assert.Null(await storage.GetTaskAsync(fresh.Id, CancellationToken.None));
        Assert.Equal("{}", (await storage.GetTaskAsync(existing.Id, CancellationToken.None))!.Payload);
        foreach (var task in others)
        {
            Assert.NotNull(await storage.GetTaskAsync(task.Id, CancellationToken.None));
        }
    }

    [Fact]
    public async Task AnyCall_CancelledToken_ThrowsOperationCanceled()
    {
        var storage = await CreateInThisProcessAsync(_directory.File("cancel.db"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await storage.EnqueueAsync([NewTask()], cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await storage.GetTaskAsync("x", cts.Token));
    }

    [Fact]
    public async Task ResetConnectionAsync_WhileOthersWork_NothingFails()
    {
        var path = _directory.File("reset.db");
        var storage = await CreateInThisProcessAsync(path);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var enqueued = 0;

        var writers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await storage.EnqueueAsync([NewTask()], CancellationToken.None);
                Interlocked.Increment(ref enqueued);
            }
        })).ToList();
        while (!stop.IsCancellationRequested)
        {
            await storage.ResetConnectionAsync(CancellationToken.None);
            await Task.Yield();
        }

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(enqueued, (await storage.ListTasksAsync(new TaskQuery(), CancellationToken.None)).Total);
    }
}
