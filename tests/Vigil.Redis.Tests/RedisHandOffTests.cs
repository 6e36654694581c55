using System.Text;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Vigil.Redis.Engine;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// The direct hand-off (see LuaScripts.HandOff): a worker whose claim ran dry is registered as waiting; the next enqueue to
/// its queues leases the task to it and sends it on its process's channel, and its next claim takes it with no round
/// trip. Each test has a Redis server of its own (so command counts are the test's alone), a worker engine and a
/// producer engine (a web process), both on one fake clock.
/// </summary>
public sealed class RedisHandOffTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EnqueueAsync_WorkerWaitingAfterAnEmptyClaim_HandsTheTaskToItAndItsClaimSendsNoScript()
    {
        // Arrange: the worker's claim finds nothing (it is registered) and it waits.
        await using var sut = await Sut.StartAsync();
        var request = Request("w");
        Assert.Empty(await sut.Worker.ClaimAsync(request, CancellationToken.None));
        var woken = sut.Worker.WaitForWorkAsync(request.Queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();

        // A payload with multi-byte characters, colons and a new line: the message's fields are counted in bytes.
        var task = TestSupport.Task() with { Payload = "{\"text\":\"héllo: wörld ✓\\n 12:3\"}", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        // Act
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);

        // Assert: leased to the worker in the enqueue's own atomic step, for the short hand-off lease.
        var record = await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal(TaskState.Running, record!.State);
        Assert.Equal("w", record.LeaseOwner);
        Assert.Equal(Start + RedisVigilStorage.HandOffLease, record.LeaseExpiresAt);

        // The wait ends without the clock moving, and the claim takes the task without running a script.
        await woken.WaitAsync(Long);
        var scriptsBefore = await TestSupport.ScriptCallsAsync(sut.Server);
        var claimed = Assert.Single(await sut.Worker.ClaimAsync(request, CancellationToken.None));
        Assert.Equal(Start, sut.Time.GetUtcNow());
        Assert.Equal((task.Id, "q", task.Type, task.Payload, 1, 3, task.TraceParent, false), (claimed.Id, claimed.Queue, claimed.Type, claimed.Payload, claimed.Attempt, claimed.MaxAttempts, claimed.TraceParent, claimed.TakenOver));

        // The engine lengthens the lease to the claim's in the background: that renewal is the one script of the claim.
        await Poll.UntilAsync(
            async () => (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.LeaseExpiresAt == Start + request.LeaseDuration,
            Long, "the handed task's lease lengthened to the claim's");
        Assert.Equal(1, await TestSupport.ScriptCallsAsync(sut.Server) - scriptsBefore);

        // It runs and ends like any claimed task.
        Assert.True(await sut.Worker.CompleteAsync(Succeeded(claimed, "w"), CancellationToken.None));
        Assert.Equal(TaskState.Succeeded, (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task EnqueueAsync_RegistrationEnded_QueuesTheTaskForAClaim()
    {
        // Arrange: the worker registered, then stayed silent longer than the hand-off window (it would have polled).
        await using var sut = await Sut.StartAsync();
        var request = Request("w");
        Assert.Empty(await sut.Worker.ClaimAsync(request, CancellationToken.None));
        sut.Time.Advance(new RedisStorageOptions().HandOffWindow + TimeSpan.FromMilliseconds(1));
        var task = TestSupport.Task();

        // Act
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);

        // Assert: queued, and a claim takes it.
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.State);
        Assert.Equal(task.Id, Assert.Single(await sut.Worker.ClaimAsync(request, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task EnqueueAsync_MoreTasksThanTheWaitingWorkersRoom_HandsItAsManyOldestFirstAndWakesItForTheRest()
    {
        // Arrange: a registered worker whose claim asked for 2 and got none.
        await using var sut = await Sut.StartAsync();
        var request = Request("w", maxCount: 2);
        Assert.Empty(await sut.Worker.ClaimAsync(request, CancellationToken.None));
        var tasks = new[] { TestSupport.Task(), TestSupport.Task(), TestSupport.Task() };

        // Act: one batch of three.
        await sut.Producer.EnqueueAsync(tasks, CancellationToken.None);

        // Assert: the two older tasks handed (its room), the third queued with a wake-up; the next claim takes the two
        // with no script, and the one after it, woken, claims the third.
        var records = await Task.WhenAll(tasks.Select(t => sut.Producer.GetTaskAsync(t.Id, CancellationToken.None).AsTask()));
        Assert.Equal(["w", "w", null], records.Select(r => r!.LeaseOwner));
        Assert.Equal(TaskState.Queued, records[2]!.State);
        var worker = (RedisVigilStorage)sut.Worker;
        await Poll.UntilAsync(() => Task.FromResult(worker.HandedWaiting("w") == 2), Long, "both handed tasks received");
        await sut.Worker.WaitForWorkAsync(request.Queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().WaitAsync(Long);
        var scriptsBefore = await TestSupport.ScriptCallsAsync(sut.Server);
        var handed = await sut.Worker.ClaimAsync(request, CancellationToken.None);
        // Both, in whichever order their messages were handled (StackExchange.Redis does not order handler calls).
        Assert.Equal(new[] { tasks[0].Id, tasks[1].Id }.Order(), handed.Select(t => t.Id).Order());
        await Poll.UntilAsync(
            async () => (await sut.Producer.GetTaskAsync(tasks[1].Id, CancellationToken.None))!.LeaseExpiresAt == Start + request.LeaseDuration,
            Long, "the handed tasks' leases lengthened");
        Assert.Equal(1, await TestSupport.ScriptCallsAsync(sut.Server) - scriptsBefore); // that one renewal of both
        await sut.Worker.WaitForWorkAsync(request.Queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().WaitAsync(Long);
        Assert.Equal(tasks[2].Id, Assert.Single(await sut.Worker.ClaimAsync(request, CancellationToken.None)).Id);
        Assert.Equal(Start, sut.Time.GetUtcNow());
    }

    [Fact]
    public async Task EnqueueAsync_TwoWaitingWorkers_HandsTheLatestRegisteredFirst()
    {
        // Arrange: two workers with room for one each, "early" registered before "late".
        await using var sut = await Sut.StartAsync();
        Assert.Empty(await sut.Worker.ClaimAsync(Request("early", maxCount: 1), CancellationToken.None));
        sut.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Empty(await sut.Worker.ClaimAsync(Request("late", maxCount: 1), CancellationToken.None));
        var tasks = new[] { TestSupport.Task(), TestSupport.Task(), TestSupport.Task() };

        // Act
        await sut.Producer.EnqueueAsync(tasks, CancellationToken.None);

        // Assert: the latest registration (the likeliest alive) gets the oldest task; one each; the third is queued.
        var records = await Task.WhenAll(tasks.Select(t => sut.Producer.GetTaskAsync(t.Id, CancellationToken.None).AsTask()));
        Assert.Equal(["late", "early", null], records.Select(r => r!.LeaseOwner));
        Assert.Equal(TaskState.Queued, records[2]!.State);
    }

    [Fact]
    public async Task ClaimAsync_HandedTaskLeftTooLongInTheInbox_IsGivenBackNotStarted()
    {
        // Arrange: a task handed to the worker, whose claim comes only when the hand-off lease has less left than the time
        // lengthening it may take.
        await using var sut = await Sut.StartAsync();
        var request = Request("w");
        var task = await sut.HandToWaitingWorkerAsync(request);
        sut.Time.Advance(RedisVigilStorage.HandOffLease / 2 + TimeSpan.FromMilliseconds(1));

        // Act: the worker's claim of the task's queue.
        var late = await sut.Worker.ClaimAsync(request, CancellationToken.None);

        // Assert: not started from the inbox; given back to its queue at once (released: the attempt does not count). The
        // claim's own script may or may not have found it back already; either way it is a fresh claim of run 2.
        var record = await Poll.UntilAsync(
            () => sut.Producer.GetTaskAsync(task.Id, CancellationToken.None).AsTask(), r => r!.Timeline.Count > 0 && r.Timeline[0].Outcome is not null, Long, "the task given back");
        Assert.Equal(("released", 4), (record!.Timeline[0].Outcome, record.MaxAttempts));
        var claimed = late.Count == 1 ? late[0] : Assert.Single(await sut.Producer.ClaimAsync(Request("other"), CancellationToken.None));
        Assert.Equal((task.Id, false, 2), (claimed.Id, claimed.TakenOver, claimed.Attempt));
    }

    [Fact]
    public async Task CancelAsync_HandedTaskNotYetTaken_IsCancelledAtOnceNotStartedElsewhere()
    {
        // Arrange: a task handed to a worker that died while registered.
        await using var sut = await Sut.StartAsync();
        Assert.Empty(await sut.Worker.ClaimAsync(Request("dead"), CancellationToken.None));
        await ((IAsyncDisposable)sut.Worker).DisposeAsync();
        var task = TestSupport.Task();
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);

        // Act
        Assert.True(await sut.Producer.CancelAsync(task.Id, CancellationToken.None));

        // Assert: cancelled now (not only asked), so it does not start when the hand-off lease ends.
        var record = await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal((TaskState.Cancelled, "cancelled"), (record!.State, Assert.Single(record.Timeline).Outcome));
        sut.Time.Advance(RedisVigilStorage.HandOffLease);
        Assert.Empty(await sut.Producer.ClaimAsync(Request("alive"), CancellationToken.None));
    }

    [Fact]
    public async Task ClaimAsync_OfOtherQueuesThanTheHandedTasks_LeavesItForAClaimOfItsQueue()
    {
        // Arrange: a worker registered on its private queue and "q"; a task of "q" is handed to it.
        await using var sut = await Sut.StartAsync();
        var request = Request("w") with { Queues = ["_worker.w", "q"] };
        var task = await sut.HandToWaitingWorkerAsync(request);

        // Act: the reserve slot's claim, of the private queue only (every slot busy).
        var reserve = await sut.Worker.ClaimAsync(request with { Queues = ["_worker.w"], MaxCount = 1 }, CancellationToken.None);

        // Assert: it does not get the task of "q"; the next claim of "q" does.
        Assert.Empty(reserve);
        Assert.Equal(task.Id, Assert.Single(await sut.Worker.ClaimAsync(request, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task ClaimAsync_FullAfterAnEmptyOne_EndsTheWorkersRegistration()
    {
        // Arrange: the worker registered with room for 2; then a delayed task falls due and its claim of 1 is full.
        await using var sut = await Sut.StartAsync();
        await sut.Producer.EnqueueAsync([TestSupport.Task() with { DueAt = Start.AddSeconds(1) }], CancellationToken.None);
        Assert.Empty(await sut.Worker.ClaimAsync(Request("w", maxCount: 2), CancellationToken.None));
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(await sut.Worker.ClaimAsync(Request("w", maxCount: 1), CancellationToken.None));
        var task = TestSupport.Task();

        // Act
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);

        // Assert: not handed to the full worker (its earlier registration's room is gone): queued for anyone.
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task StopClaimingAsync_TaskHandedButNotTaken_GoesBackAndALaterClaimRegistersAgain()
    {
        // Arrange: a task handed to a worker that then drains to stop.
        await using var sut = await Sut.StartAsync();
        var request = Request("w");
        var task = await sut.HandToWaitingWorkerAsync(request);

        // Act
        await sut.Worker.StopClaimingAsync("w", CancellationToken.None);

        // Assert: back in its queue, and the next task is not handed to the draining worker.
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.State);
        var next = TestSupport.Task();
        await sut.Producer.EnqueueAsync([next], CancellationToken.None);
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(next.Id, CancellationToken.None))!.State);

        // A claim again (a drain that was called off): it claims both, and registers again for the one after.
        Assert.Equal(2, (await sut.Worker.ClaimAsync(request, CancellationToken.None)).Count);
        var third = TestSupport.Task();
        await sut.Producer.EnqueueAsync([third], CancellationToken.None);
        Assert.Equal("w", (await sut.Producer.GetTaskAsync(third.Id, CancellationToken.None))!.LeaseOwner);
    }

    [Fact]
    public async Task RemoveWorkerAsync_TaskHandedButNotTaken_GoesBackToItsQueueAndTheWorkerGetsNoMore()
    {
        // Arrange: a task handed to a worker that stops before its next claim.
        await using var sut = await Sut.StartAsync();
        var request = Request("w");
        var task = await sut.HandToWaitingWorkerAsync(request);

        // Act
        await sut.Worker.RemoveWorkerAsync("w", CancellationToken.None);

        // Assert: queued again, the unrun attempt not counted against the budget (released, as at any worker's stop).
        var record = await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal((TaskState.Queued, (string?)null, 4), (record!.State, record.LeaseOwner, record.MaxAttempts));
        Assert.Equal("released", Assert.Single(record.Timeline).Outcome);
        var other = Assert.Single(await sut.Producer.ClaimAsync(Request("other") with { MaxCount = 1 }, CancellationToken.None)); // full: no registration
        Assert.Equal(task.Id, other.Id);

        // And the removed worker's registration is gone: the next task is queued, not handed to it.
        var next = TestSupport.Task();
        await sut.Producer.EnqueueAsync([next], CancellationToken.None);
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(next.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task EnqueueAsync_RegisteredWorkerDied_ItsHandedTaskStartsElsewhereWhenTheHandOffLeaseEnds_NotCountedAsAnAttempt()
    {
        // Arrange: the worker registered, then its process died (no removal, no claim any more). The task has one attempt.
        await using var sut = await Sut.StartAsync();
        Assert.Empty(await sut.Worker.ClaimAsync(Request("dead"), CancellationToken.None));
        await ((IAsyncDisposable)sut.Worker).DisposeAsync();
        var task = TestSupport.Task() with { MaxAttempts = 1 };
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);
        Assert.Equal("dead", (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.LeaseOwner);

        // Act: a live worker claims before and after the hand-off lease ends.
        var before = await sut.Producer.ClaimAsync(Request("alive"), CancellationToken.None);
        sut.Time.Advance(RedisVigilStorage.HandOffLease);
        var after = await sut.Producer.ClaimAsync(Request("alive"), CancellationToken.None);

        // Assert: started within the short hand-off lease (not the worker's lease duration); the run handed to the dead
        // worker never ran, so it costs no attempt (else a one-attempt task would be dead unrun). Still flagged as taken
        // over: a worker that took a handed task and then lost Redis could be running it.
        Assert.Empty(before);
        var started = Assert.Single(after);
        Assert.Equal((task.Id, true, 2, 2), (started.Id, started.TakenOver, started.Attempt, started.MaxAttempts));
        var record = await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal(["handoff-expired", null], record!.Timeline.Select(t => t.Outcome));
        Assert.True(await sut.Producer.CompleteAsync(Succeeded(started, "alive"), CancellationToken.None));
    }

    [Fact]
    public async Task ClaimAsync_HandedTaskTakenAndRenewed_IsAnAttemptLikeAnyOther()
    {
        // Arrange: a handed task the worker took (its lease lengthened), whose worker then died.
        await using var sut = await Sut.StartAsync();
        var request = Request("w") with { LeaseDuration = TimeSpan.FromSeconds(30) };
        var task = await sut.HandToWaitingWorkerAsync(request);
        Assert.Single(await sut.Worker.ClaimAsync(request, CancellationToken.None));
        await Poll.UntilAsync(
            async () => (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.LeaseExpiresAt == Start + request.LeaseDuration,
            Long, "the handed task's lease lengthened");

        // Act: its lease ends; another worker claims.
        sut.Time.Advance(request.LeaseDuration);
        var taken = Assert.Single(await sut.Producer.ClaimAsync(Request("other"), CancellationToken.None));

        // Assert: a takeover of a run that started: the attempt counts.
        Assert.Equal((true, 2, 3), (taken.TakenOver, taken.Attempt, taken.MaxAttempts));
    }

    [Fact]
    public async Task EnqueueAsync_HandOffWindowZeroOnTheWorker_NeverRegistersIt()
    {
        // Arrange: the worker's engine has the hand-off off; the producer's has it on.
        await using var sut = await Sut.StartAsync(workerHandOffWindow: TimeSpan.Zero);
        Assert.Empty(await sut.Worker.ClaimAsync(Request("w"), CancellationToken.None));
        var task = TestSupport.Task();

        // Act
        await sut.Producer.EnqueueAsync([task], CancellationToken.None);

        // Assert
        Assert.Equal(TaskState.Queued, (await sut.Producer.GetTaskAsync(task.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task HandOff_WorkerConnectionsCutAndBack_StopsRegisteringMeanwhileAndHandsOffAgainAfter()
    {
        // Arrange: the worker's engine reaches Redis through a fault proxy; the producer directly.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        await using var proxy = new TcpFaultProxy(server.Port);
        var time = new FakeTimeProvider(Start);
        await using var worker = (RedisVigilStorage)RedisStorage.Create(new RedisStorageOptions { Configuration = $"redis://127.0.0.1:{proxy.Port}", KeyPrefix = "hand" }, time);
        await using var producer = (RedisVigilStorage)RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "hand" }, time);
        await worker.InitializeAsync(CancellationToken.None);
        await producer.InitializeAsync(CancellationToken.None);
        Assert.True(worker.HandOffReady);

        // Act: every socket reset, and nothing answers until the network heals.
        proxy.Blackhole();
        proxy.ResetAll();
        await Poll.UntilAsync(() => Task.FromResult(!worker.HandOffReady), Long, "the worker's engine to stop taking hand-offs");
        proxy.Heal();
        await Poll.UntilAsync(() => Task.FromResult(worker.HandOffReady), TimeSpan.FromSeconds(30), "the hand-off channel subscribed again");

        // Assert: registered again by its next empty claim, the worker is handed the next task, which reaches it.
        var request = Request("w");
        Assert.Empty(await worker.ClaimAsync(request, CancellationToken.None));
        var woken = worker.WaitForWorkAsync(request.Queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();
        var task = TestSupport.Task();
        await producer.EnqueueAsync([task], CancellationToken.None);
        Assert.Equal("w", (await producer.GetTaskAsync(task.Id, CancellationToken.None))!.LeaseOwner);
        await woken.WaitAsync(Long);
        Assert.Equal(task.Id, Assert.Single(await worker.ClaimAsync(request, CancellationToken.None)).Id);
    }

    [Fact]
    public void TryReadHandOff_LengthPrefixedFields_ReadsThemAndRefusesAnythingElse()
    {
        var fields = new string[3];
        Assert.True(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("1:w3:a:b5:é✓"), fields));
        Assert.Equal(["w", "a:b", "é✓"], fields);
        Assert.True(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("0:0:0:"), fields));
        Assert.Equal(["", "", ""], fields);

        Assert.False(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("1:w3:a:b"), fields)); // a field short
        Assert.False(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("1:w3:a:b1:xy"), fields)); // bytes left over
        Assert.False(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("1:w9:a:b1:x"), fields)); // length past the end
        Assert.False(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("1:w-1:1:x"), fields)); // not a length
        Assert.False(RedisVigilStorage.TryReadHandOff(Encoding.UTF8.GetBytes("queue-name"), fields)); // a wake-up message
        Assert.False(RedisVigilStorage.TryReadHandOff(RedisValue.Null, fields));
    }

    private static ClaimRequest Request(string worker, int maxCount = 8) =>
        new() { WorkerId = worker, Queues = ["q"], MaxCount = maxCount, LeaseDuration = TimeSpan.FromMinutes(5) };

    private static TaskCompletion Succeeded(ClaimedTask task, string worker) => new()
    {
        TaskId = task.Id,
        WorkerId = worker,
        Attempt = task.Attempt,
        Outcome = CompletionOutcome.Succeeded,
        RunTime = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>A Redis server of the test's own, a worker engine and a producer engine on one fake clock.</summary>
    private sealed class Sut : IAsyncDisposable
    {
        private Sut(RedisServer server, IVigilStorage worker, IVigilStorage producer, FakeTimeProvider time) =>
            (Server, Worker, Producer, Time) = (server, worker, producer, time);

        public RedisServer Server { get; }

        public IVigilStorage Worker { get; }

        public IVigilStorage Producer { get; }

        public FakeTimeProvider Time { get; }

        public static async Task<Sut> StartAsync(TimeSpan? workerHandOffWindow = null)
        {
            var server = await RedisServer.StartAsync(new RedisServerOptions());
            var time = new FakeTimeProvider(Start);
            var workerOptions = new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "hand" };
            workerOptions.HandOffWindow = workerHandOffWindow ?? workerOptions.HandOffWindow;
            var worker = RedisStorage.Create(workerOptions, time);
            var producer = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "hand" }, time);
            await worker.InitializeAsync(CancellationToken.None);
            await producer.InitializeAsync(CancellationToken.None);
            return new Sut(server, worker, producer, time);
        }

        /// <summary>
        /// The worker's empty claim registers it; it waits; the producer enqueues a task, which is handed to it. Returns
        /// once the hand-off woke the worker's wait (the task is in its inbox).
        /// </summary>
        public async Task<NewTask> HandToWaitingWorkerAsync(ClaimRequest request)
        {
            Assert.Empty(await Worker.ClaimAsync(request, CancellationToken.None));
            var woken = Worker.WaitForWorkAsync(request.Queues, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();
            var task = TestSupport.Task();
            await Producer.EnqueueAsync([task], CancellationToken.None);
            await woken.WaitAsync(Long);
            return task;
        }

        public async ValueTask DisposeAsync()
        {
            await ((IAsyncDisposable)Worker).DisposeAsync();
            await ((IAsyncDisposable)Producer).DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
