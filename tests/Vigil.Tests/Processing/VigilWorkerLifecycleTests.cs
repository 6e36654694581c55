using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Client;
using Vigil.Handlers;
using Vigil.Processing;
using Vigil.Realtime;
using Vigil.Tasks;
using Vigil.Tests.Support;
using Vigil.Workers;

namespace Vigil.Tests.Processing;

/// <summary>The worker's lifecycle: shutdown, cancellation, abandonment, leases, heartbeats and storage faults.</summary>
public class VigilWorkerLifecycleTests
{
    private const StorageKind Kind = VigilWorkerTests.Kind;

    [Fact]
    public async Task StopAsync_InFlightFinishesWithinGrace_TaskSucceededAndRecordRemoved()
    {
        // Arrange
        var held = new HeldHandler();
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, ctx) => held.RunAsync(ctx.CancellationToken)), storage: Kind);
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        await held.WaitUntilStartedAsync();

        // Act: stop while it runs; it finishes inside the grace period.
        var stop = h.Host.StopAsync();
        await h.WaitUntilAsync(() => h.Worker.Status == WorkerStatuses.Draining, "the worker drains");
        held.Release();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(TaskState.Succeeded, (await h.Storage.GetTaskAsync(id, CancellationToken.None))!.State);
        Assert.Equal(WorkerStatuses.Stopped, h.Worker.Status);
        Assert.DoesNotContain(await h.Storage.GetWorkersAsync(CancellationToken.None), w => w.WorkerId == h.Worker.WorkerId);
    }

    [Fact]
    public async Task StopAsync_TaskStillRunning_TellsTheStorageItClaimsNothingMoreBeforeTheDrainEnds()
    {
        // Arrange: a task that runs until released.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var memory = new InMemoryStorage(time);
        var held = new HeldHandler();
        await using var h = await VigilHarness.StartAsync(
            b => b.AddHandler<OrderPayload>("orders.pay", (_, ctx) => held.RunAsync(ctx.CancellationToken)), storage: StorageKind.Memory, time: time, memory: memory);
        await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        await held.WaitUntilStartedAsync();

        // Act
        var stop = h.Host.StopAsync();

        // Assert: said while the task still runs (an engine holding hand-offs for this worker gives them back now, not
        // when the drain ends), and only once the consume loop has stopped.
        await h.WaitUntilAsync(() => memory.StoppedClaiming.Count > 0, "the worker tells the storage it claims nothing more");
        Assert.Equal([h.Worker.WorkerId], memory.StoppedClaiming);
        Assert.Equal(WorkerStatuses.Draining, h.Worker.Status);
        held.Release();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StopAsync_HandlerRunsPastGrace_ReleasedAndRunByNextWorker()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = dir.File("vigil.db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var memory = new InMemoryStorage(time);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string id;
        await using (var first = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.long", async (_, ctx) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
        }), storage: Kind, databasePath: path, time: time, memory: memory))
        {
            id = await first.Client.EnqueueAsync("orders.long", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 1 });
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

            // Act: stop; time passes the 10 s grace period; the handler is aborted.
            await first.StopAsync(advance: TimeSpan.FromSeconds(1));

            // Assert: back in its queue at once, the attempt not counted (MaxAttempts = 1 still lets it run).
            var released = await first.Storage.GetTaskAsync(id, CancellationToken.None);
            Assert.Equal(TaskState.Queued, released!.State);
            Assert.Equal("released", released.Timeline.Last().Outcome);
        }

        await using var second = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.long", (_, _) => ValueTask.CompletedTask),
            storage: Kind, databasePath: path, time: time, memory: memory);
        var done = await second.WaitForStateAsync(id, TaskState.Succeeded);
        Assert.Equal(second.Worker.WorkerId, done.Timeline.Last().WorkerId);
    }

    [Fact]
    public async Task StopAsync_HandlerIgnoresAbort_AbandonedAndReleasedWithoutRecycleCode()
    {
        // Arrange
        var held = new HeldHandler();
        var h = await VigilHarness.StartAsync(
            b => b.AddHandler<OrderPayload>("orders.stubborn", (_, _) => held.RunAsync(CancellationToken.None)), // ignores its cancellation token on purpose
            storage: Kind);
        try
        {
            var id = await h.Client.EnqueueAsync("orders.stubborn", new OrderPayload(1));
            await held.WaitUntilStartedAsync();

            // Act: 10 s grace, then abort, then 5 s abandon grace.
            await h.StopAsync(advance: TimeSpan.FromSeconds(1));

            // Assert
            var released = await h.Storage.GetTaskAsync(id, CancellationToken.None);
            Assert.Equal(TaskState.Queued, released!.State);
            Assert.Equal(WorkerStatuses.Stopped, h.Worker.Status);
            Assert.Null(h.ExitCode);
            Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 2109);
        }
        finally
        {
            held.Release();
            await h.DisposeAsync();
        }
    }

    [Fact]
    public async Task CancelAsync_QueuedTask_CancelledWithoutRunning()
    {
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.CompletedTask;
        }), storage: Kind);
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1), new EnqueueOptions { Delay = TimeSpan.FromMinutes(1) });

        Assert.True(await h.Client.CancelAsync(id));
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}", new EnqueueOptions { Delay = TimeSpan.FromMinutes(2) });
        await h.WaitForStateAsync(probe, TaskState.Succeeded, advance: TimeSpan.FromSeconds(5));

        Assert.Equal(TaskState.Cancelled, (await h.Client.GetTaskAsync(id))!.State);
        Assert.Equal(0, calls);
        Assert.False(await h.Client.CancelAsync(id));
    }

    [Fact]
    public async Task CancelAsync_RunningTask_HandlerCancelledAndTaskCancelled()
    {
        // Arrange
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.long", async (_, ctx) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
            }
            finally
            {
                observed.TrySetResult();
            }
        }), storage: Kind);
        var id = await h.Client.EnqueueAsync("orders.long", new OrderPayload(1));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act: the worker sees the request at its next lease renewal (every 10 s).
        Assert.True(await h.Client.CancelAsync(id));
        var cancelled = await h.WaitForStateAsync(id, TaskState.Cancelled, advance: TimeSpan.FromSeconds(1));

        // Assert
        await observed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("cancelled", cancelled.Timeline.Last().Outcome);
    }

    [Fact]
    public async Task Execute_HandlerIgnoresCancellation_AbandonedRetriedAndWorkerRecycles()
    {
        // Arrange
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b
            .AddHandler<OrderPayload>("orders.stubborn", async (_, _) =>
            {
                Interlocked.Increment(ref calls);
                await gate.Task; // ignores its cancellation token on purpose
            }), storage: Kind);
        try
        {
            // Act: timeout 2 s, then 5 s of abandon grace.
            var id = await h.Client.EnqueueAsync("orders.stubborn", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 3, Timeout = TimeSpan.FromSeconds(2) });
            var retrying = await h.WaitForStateAsync(id, TaskState.Retrying, advance: TimeSpan.FromMilliseconds(250));

            // Assert
            Assert.Equal(TaskExecutor.AbandonedError, retrying.LastError!.Type);
            Assert.True(h.Worker.RecycleRequested);
            Assert.Equal(VigilExitCodes.Recycle, h.ExitCode);
            Assert.True(h.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
            Assert.Equal(0, h.Worker.InFlight);
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task Execute_HandlerBlocksSynchronously_AbandonedRetriedSlotFreedAndWorkerRecycles()
    {
        // Arrange: the handler never returns from its invocation until released (no await at all), and ignores its token.
        using var gate = new ManualResetEventSlim();
        var calls = 0;
        await using var h = await VigilHarness.StartAsync(b => b
            .AddHandler<OrderPayload>("orders.blocking", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                gate.Wait(TimeSpan.FromSeconds(60));
                return ValueTask.CompletedTask;
            }), storage: Kind);
        try
        {
            // Act: timeout 2 s, then 5 s of abandon grace, while the invocation is still blocked.
            var id = await h.Client.EnqueueAsync("orders.blocking", new OrderPayload(1), new EnqueueOptions { MaxAttempts = 3, Timeout = TimeSpan.FromSeconds(2) });
            var retrying = await h.WaitForStateAsync(id, TaskState.Retrying, advance: TimeSpan.FromMilliseconds(250));

            // Assert: ended from the abandonment path, its slot and lease given back, though the invocation never returned.
            Assert.Equal(TaskExecutor.AbandonedError, retrying.LastError!.Type);
            Assert.Equal(1, Volatile.Read(ref calls));
            Assert.True(h.Worker.RecycleRequested);
            Assert.Equal(VigilExitCodes.Recycle, h.ExitCode);
            Assert.Equal(0, h.Worker.InFlight);
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task ClaimAhead_NoSlotFreesWithinHold_TaskGivenBackToItsQueueThenRunsOnce()
    {
        // Arrange: one slot; short handlers first, so the worker claims ahead; then a backlog whose first task holds the slot.
        var held = new HeldHandler();
        var runs = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var h = await VigilHarness.StartAsync(
            b => b
                .AddHandler<OrderPayload>("orders.quick", (_, _) => ValueTask.CompletedTask)
                .AddHandler<OrderPayload>("orders.long", async (_, ctx) =>
                {
                    runs.AddOrUpdate(ctx.TaskId, 1, (_, n) => n + 1);
                    await held.RunAsync(ctx.CancellationToken);
                }),
            options: o => o.Concurrency = 1, storage: Kind);
        await RunQuickTasksAsync(h, 12);
        var ids = await h.Client.EnqueueBatchAsync([.. Enumerable.Range(0, 3).Select(i => new TaskRequest("orders.long", $"{{\"id\":{i}}}"))]);
        await held.WaitUntilStartedAsync();
        await h.WaitForTaskAsync(ids[1], t => t.State == TaskState.Running, advance: TimeSpan.Zero);

        // Act: the slot stays busy past the hold.
        var back = await h.WaitForTaskAsync(ids[1], t => t.State == TaskState.Queued, advance: TimeSpan.FromMilliseconds(200));

        // Assert: given back unrun while the first task still holds the one slot; then everything runs exactly once.
        Assert.False(runs.ContainsKey(ids[1]));
        Assert.Equal(1, h.Worker.InFlight);
        Assert.Equal(TaskState.Running, (await h.Client.GetTaskAsync(ids[0]))!.State);
        held.Release();
        foreach (var id in ids)
        {
            await h.WaitForStateAsync(id, TaskState.Succeeded);
        }

        Assert.All(ids, id => Assert.Equal(1, runs[id]));
        Assert.Equal(12 + 3, h.Worker.Processed);
    }

    [Fact]
    public async Task StopAsync_TaskClaimedAhead_GivenBackUnrunAtOnce()
    {
        // Arrange: one slot; short handlers first, so the worker claims ahead; then the slot is held and the next task is
        // claimed ahead.
        var held = new HeldHandler();
        var runs = 0;
        var h = await VigilHarness.StartAsync(
            b => b
                .AddHandler<OrderPayload>("orders.quick", (_, _) => ValueTask.CompletedTask)
                .AddHandler<OrderPayload>("orders.long", async (_, ctx) =>
                {
                    Interlocked.Increment(ref runs);
                    await held.RunAsync(ctx.CancellationToken);
                }),
            options: o => o.Concurrency = 1, storage: Kind);
        try
        {
            await RunQuickTasksAsync(h, 12);
            var ids = await h.Client.EnqueueBatchAsync([.. Enumerable.Range(0, 2).Select(i => new TaskRequest("orders.long", $"{{\"id\":{i}}}"))]);
            await held.WaitUntilStartedAsync();
            await h.WaitForTaskAsync(ids[1], t => t.State == TaskState.Running, advance: TimeSpan.Zero);

            // Act
            await h.StopAsync();

            // Assert: the task claimed ahead is queued again, never run, given back because the worker stopped.
            Assert.Equal(TaskState.Queued, (await h.Storage.GetTaskAsync(ids[1], CancellationToken.None))!.State);
            Assert.Equal(1, Volatile.Read(ref runs));
            Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 2116 && r.Message.Contains(ids[1]) && r.Message.Contains("the worker stops"));
        }
        finally
        {
            held.Release();
            await h.DisposeAsync();
        }
    }

    [Fact]
    public async Task LeaseExpires_PartitionedWorker_OtherWorkerTakesOverAndLateOutcomeIsRefused()
    {
        // Arrange: two workers in-process on one storage and one clock; A runs the task, then loses the storage.
        using var dir = new TempDirectory();
        var path = dir.File("vigil.db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var memory = new InMemoryStorage(time);
        var startedOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload, string>("orders.pay", async (_, ctx) =>
        {
            startedOnA.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelledOnA.TrySetResult();
                throw;
            }

            return "A";
        }), storage: Kind, databasePath: path, time: time, memory: memory, faulty: true);
        var id = await a.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        await startedOnA.Task.WaitAsync(TimeSpan.FromSeconds(10));
        a.Faults.FailAll = true;

        await using var b = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload, string>("orders.pay", (_, _) => ValueTask.FromResult("B")),
            storage: Kind, databasePath: path, time: time, memory: memory);

        // Act: A's lease (30 s) expires without renewal; B takes the task over.
        var done = await b.WaitForStateAsync(id, TaskState.Succeeded, advance: TimeSpan.FromSeconds(1));

        // A's storage comes back: its next renewal learns the lease is gone and cancels its handler.
        a.Faults.FailAll = false;
        await a.WaitUntilAsync(() => cancelledOnA.Task.IsCompleted, "A cancels its handler", advance: TimeSpan.FromSeconds(1));
        await a.WaitUntilAsync(() => a.Worker.InFlight == 0, "A frees the slot", advance: TimeSpan.FromSeconds(1));

        // Assert
        var final = await b.Storage.GetTaskAsync(id, CancellationToken.None);
        Assert.Equal(TaskState.Succeeded, final!.State);
        Assert.Equal("\"B\"", final.Result);
        Assert.Equal(2, final.Attempt);
        Assert.Equal("lease-expired", final.Timeline[0].Outcome);
        Assert.Equal(a.Worker.WorkerId, final.Timeline[0].WorkerId);
        Assert.Equal(b.Worker.WorkerId, final.Timeline[1].WorkerId);
        Assert.Equal(0, a.Worker.Processed);
    }

    [Fact]
    public async Task Heartbeat_ConsumeLoopFrozen_HeartbeatGoesOnWhileLoopTickAges()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(storage: Kind);
        IVigilWorker worker = h.Worker;
        worker.FreezeConsumeLoop = true;
        await h.WaitUntilAsync(() => true, "settle");
        var frozenAt = h.Time.GetUtcNow();
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");

        // Act: 30 s pass.
        var until = frozenAt + TimeSpan.FromSeconds(30);
        await h.WaitUntilAsync(() => h.Time.GetUtcNow() >= until, "30 s pass", advance: TimeSpan.FromMilliseconds(500));
        var heartbeat = await WaitForHeartbeatAsync(h, hb => hb.HeartbeatAt >= frozenAt + TimeSpan.FromSeconds(20));

        // Assert: the heartbeat is fresh, the loop tick is not, and the probe was not served.
        Assert.True(heartbeat.LoopTickAt <= frozenAt + TimeSpan.FromSeconds(1), $"loop tick {heartbeat.LoopTickAt} moved while frozen at {frozenAt}");
        Assert.Equal(TaskState.Queued, (await h.Client.GetTaskAsync(probe))!.State);
        Assert.Equal(WorkerStatuses.Running, heartbeat.Status);

        // Unfrozen, it consumes again and its tick is fresh.
        worker.FreezeConsumeLoop = false;
        await h.WaitForStateAsync(probe, TaskState.Succeeded);
        Assert.True(worker.LastLoopTick >= until);
    }

    [Fact]
    public async Task RestartConsumeLoopsAsync_TaskInFlight_TaskKeepsLeaseAndSucceeds()
    {
        // Arrange
        var held = new HeldHandler();
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", (_, ctx) => held.RunAsync(ctx.CancellationToken)), storage: Kind);
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(1));
        await held.WaitUntilStartedAsync();

        // Act: restart the loops, then let 45 s pass (1.5 lease lengths, under the 1 min timeout): only renewals keep the lease.
        await h.Worker.RestartConsumeLoopsAsync("test", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var until = h.Time.GetUtcNow() + TimeSpan.FromSeconds(45);
        await h.WaitUntilAsync(() => h.Time.GetUtcNow() >= until, "45 s pass", advance: TimeSpan.FromMilliseconds(500));
        var running = await h.Client.GetTaskAsync(id);
        held.Release();

        // Assert
        Assert.Equal(TaskState.Running, running!.State);
        Assert.Equal(1, running.Attempt);
        Assert.True(running.LeaseExpiresAt > h.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        var done = await h.WaitForStateAsync(id, TaskState.Succeeded);
        Assert.Equal(1, done.Attempt);
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");
        await h.WaitForStateAsync(probe, TaskState.Succeeded);
    }

    [Fact]
    public async Task WorkerProbe_AllSlotsBusy_ServedThroughReserveSlot()
    {
        // Arrange: one slot, held by a long task.
        var held = new HeldHandler();
        await using var h = await VigilHarness.StartAsync(
            b => b.AddHandler<OrderPayload>("orders.long", (_, ctx) => held.RunAsync(ctx.CancellationToken)), options: o => o.Concurrency = 1, storage: Kind);
        var longTask = await h.Client.EnqueueAsync("orders.long", new OrderPayload(1));
        await held.WaitUntilStartedAsync();
        var waiting = await h.Client.EnqueueAsync("orders.long", new OrderPayload(2));

        // Act
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}", new EnqueueOptions { Queue = h.Worker.PrivateQueue });
        await h.WaitForStateAsync(probe, TaskState.Succeeded, advance: TimeSpan.FromMilliseconds(200));

        // Assert: the probe ran beside the long task; the shared backlog still waits for the one real slot.
        Assert.Equal(TaskState.Running, (await h.Client.GetTaskAsync(longTask))!.State);
        Assert.Equal(TaskState.Queued, (await h.Client.GetTaskAsync(waiting))!.State);
        held.Release();
        await h.WaitForStateAsync(waiting, TaskState.Succeeded);
    }

    [Fact]
    public async Task ConsumeLoop_StorageFailsForAMinute_LogsOnceKeepsTickingAndRecovers()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(storage: Kind, faulty: true);
        h.Faults.FailAll = true;
        var outageStart = h.Time.GetUtcNow();

        // Act
        var until = outageStart + TimeSpan.FromMinutes(1);
        await h.WaitUntilAsync(() => h.Time.GetUtcNow() >= until, "a minute of outage", advance: TimeSpan.FromMilliseconds(500));
        await h.WaitUntilAsync(() => h.Worker.LastLoopTick > outageStart + TimeSpan.FromSeconds(30), "the consume loop ticks during the outage", advance: TimeSpan.FromMilliseconds(500));
        var failures = h.Faults.Failures;
        h.Faults.FailAll = false;
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");
        await h.WaitForStateAsync(probe, TaskState.Succeeded, advance: TimeSpan.FromMilliseconds(500));

        // Assert
        Assert.True(failures > 5, $"only {failures} storage calls failed");
        var records = h.Logs.GetSnapshot();
        Assert.Single(records, r => r.Id.Id == 2005);
        Assert.Single(records, r => r.Id.Id == 2008);
        Assert.Contains(records, r => r.Id.Id == 2006 && r.Message.Contains("consume"));
    }

    [Fact]
    public async Task Complete_StorageRefusesBriefly_OutcomeKeptAndStoredOnRetry()
    {
        // Arrange
        var held = new HeldHandler();
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload, int>("orders.pay", async (p, ctx) =>
        {
            await held.RunAsync(ctx.CancellationToken);
            return p.Id;
        }), storage: Kind, faulty: true);
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(5));
        await held.WaitUntilStartedAsync();

        // Act: the handler finishes while completions fail; they come back a moment later.
        h.Faults.Failing.Add("CompleteAsync");
        held.Release();
        await h.WaitUntilAsync(() => h.Logs.GetSnapshot().Any(r => r.Id.Id == 2110), "a completion failed and is retried");
        h.Faults.Failing.Remove("CompleteAsync");
        var done = await h.WaitForStateAsync(id, TaskState.Succeeded, advance: TimeSpan.FromMilliseconds(250));

        // Assert: one attempt, its result stored, nothing run twice.
        Assert.Equal(1, done.Attempt);
        Assert.Equal("5", done.Result);
    }

    [Fact]
    public async Task Execute_ManyTasksManySlots_EachRunsExactlyOnce()
    {
        // Arrange
        var runs = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.many", async (_, ctx) =>
        {
            runs.AddOrUpdate(ctx.TaskId, 1, (_, n) => n + 1);
            await Task.Yield();
        }), options: o => o.Concurrency = 8, storage: Kind);

        // Act
        var ids = await h.Client.EnqueueBatchAsync([.. Enumerable.Range(0, 200).Select(i => new TaskRequest("orders.many", $"{{\"id\":{i}}}"))]);
        foreach (var id in ids)
        {
            await h.WaitForStateAsync(id, TaskState.Succeeded, advance: TimeSpan.FromMilliseconds(20));
        }

        // Assert
        Assert.Equal(200, runs.Count);
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.Equal(200, h.Worker.Processed);
    }

    [Fact]
    public async Task ReportProgressAsync_FromHandler_PublishesProgressAndGroupEvents()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler<OrderPayload>("orders.pay", async (_, ctx) =>
        {
            await ctx.ReportProgressAsync(50, "half way");
            await ctx.SendToGroupAsync("room-1", "orderPaid", new { OrderId = 7 });
        }), storage: Kind);
        var cursor = (await h.Storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;

        // Act
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(7));
        await h.WaitForStateAsync(id, TaskState.Succeeded);
        var events = new List<VigilEvent>();
        await h.WaitUntilAsync(() =>
        {
            var batch = h.Storage.ReadEventsAsync(cursor, 100, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            events.AddRange(batch.Events);
            cursor = batch.Cursor;
            return events.Any(e => e.Kind == "task.state");
        }, "the task.state event arrives");

        // Assert
        var progress = Assert.Single(events, e => e.Kind == "task.progress");
        Assert.Equal(id, progress.TaskId);
        using (var data = JsonDocument.Parse(progress.Data!))
        {
            Assert.Equal(50, data.RootElement.GetProperty("percent").GetDouble());
            Assert.Equal("half way", data.RootElement.GetProperty("message").GetString());
        }

        var group = Assert.Single(events, e => e.Kind == "group.message");
        Assert.Equal("room-1", group.Group);
        using (var data = JsonDocument.Parse(group.Data!))
        {
            Assert.Equal("orderPaid", data.RootElement.GetProperty("method").GetString());
            Assert.Equal(7, data.RootElement.GetProperty("data").GetProperty("orderId").GetInt32());
        }

        var state = Assert.Single(events, e => e.Kind == "task.state");
        Assert.Contains("\"state\":\"succeeded\"", state.Data);
    }

    [Fact]
    public async Task SendToGroupAsync_WithTypeInfo_SerializesWithThatMetadata()
    {
        // Arrange: the source-generated metadata writes snake_case ("order_id"); reflection with web defaults would write "orderId".
        await using var h = await VigilHarness.StartAsync(b => b.AddHandler(
            "orders.pay",
            async (OrderPayload order, TaskContext ctx) => await ctx.SendToGroupAsync("room-1", "orderPaid", new GroupOrder(order.Id), GroupJsonContext.Default.GroupOrder),
            GroupJsonContext.Default.OrderPayload), storage: Kind);
        var cursor = (await h.Storage.ReadEventsAsync(null, 100, CancellationToken.None)).Cursor;

        // Act
        var id = await h.Client.EnqueueAsync("orders.pay", new OrderPayload(7), GroupJsonContext.Default.OrderPayload);
        await h.WaitForStateAsync(id, TaskState.Succeeded);
        VigilEvent? group = null;
        await h.WaitUntilAsync(() =>
        {
            var batch = h.Storage.ReadEventsAsync(cursor, 100, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            cursor = batch.Cursor;
            group ??= batch.Events.FirstOrDefault(e => e.Kind == "group.message");
            return group is not null;
        }, "the group.message event arrives");

        // Assert
        Assert.Equal("room-1", group!.Group);
        using var data = JsonDocument.Parse(group.Data!);
        Assert.Equal("orderPaid", data.RootElement.GetProperty("method").GetString());
        Assert.Equal(7, data.RootElement.GetProperty("data").GetProperty("order_id").GetInt32());
    }

    private static async Task<WorkerHeartbeat> WaitForHeartbeatAsync(VigilHarness h, Func<WorkerHeartbeat, bool> predicate)
    {
        WorkerHeartbeat? found = null;
        await h.WaitUntilAsync(() =>
        {
            var workers = h.Storage.GetWorkersAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            found = workers.FirstOrDefault(w => w.WorkerId == h.Worker.WorkerId && predicate(w));
            return found is not null;
        }, "a matching heartbeat", advance: TimeSpan.FromMilliseconds(500));
        return found!;
    }

    /// <summary>
    /// A handler body that tells the test it started, then holds its slot until the test calls <see cref="Release"/>
    /// (or the token it was given is cancelled).
    /// </summary>
    /// <summary>Runs short tasks to the end, one batch: the worker then knows its handlers run short.</summary>
    private static async Task RunQuickTasksAsync(VigilHarness h, int count)
    {
        var ids = await h.Client.EnqueueBatchAsync([.. Enumerable.Range(0, count).Select(i => new TaskRequest("orders.quick", $"{{\"id\":{i}}}"))]);
        foreach (var id in ids)
        {
            await h.WaitForStateAsync(id, TaskState.Succeeded, advance: TimeSpan.Zero);
        }
    }

    private sealed class HeldHandler
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask RunAsync(CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        /// <summary>Waits (10 s bound) until the handler runs.</summary>
        public Task WaitUntilStartedAsync() => _started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Release() => _gate.TrySetResult();
    }
}

/// <summary>The heartbeat's resource fields come from an <see cref="IWorkerResourceSampler"/> when one is registered.</summary>
public class WorkerResourceSamplerTests
{
    [Fact]
    public async Task Heartbeat_SamplerRegistered_CarriesItsSample()
    {
        await using var h = await VigilHarness.StartAsync(b => b.Services.AddSingleton<IWorkerResourceSampler>(new FixedSampler()), storage: VigilWorkerTests.Kind);
        var probe = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");
        await h.WaitForStateAsync(probe, TaskState.Succeeded);

        WorkerHeartbeat? heartbeat = null;
        await h.WaitUntilAsync(() =>
        {
            var workers = h.Storage.GetWorkersAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            heartbeat = workers.FirstOrDefault(w => w.WorkerId == h.Worker.WorkerId && w.Processed == 1);
            return heartbeat is not null;
        }, "a heartbeat after the probe", advance: TimeSpan.FromSeconds(1));

        Assert.Equal(12.5, heartbeat!.CpuPercent);
        Assert.Equal(1000, heartbeat.WorkingSetBytes);
        Assert.Equal(500, heartbeat.GcHeapBytes);
        Assert.Equal(3, heartbeat.ThreadPoolQueueLength);
        Assert.Equal(2.5, heartbeat.Throughput);
        Assert.Equal(Environment.ProcessId, heartbeat.ProcessId);
        Assert.Equal(["default"], heartbeat.Queues);
        Assert.Equal(4, heartbeat.Concurrency);
        Assert.NotNull(heartbeat.Version);
    }

    private sealed class FixedSampler : IWorkerResourceSampler
    {
        public WorkerResources Sample() => new()
        {
            CpuPercent = 12.5,
            WorkingSetBytes = 1000,
            GcHeapBytes = 500,
            ThreadPoolQueueLength = 3,
            Throughput = 2.5,
        };
    }
}
