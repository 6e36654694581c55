using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Observability.Tests.Health;

public sealed class WorkerHealthEvaluatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly VigilHealthOptions _options = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Evaluate_FreshHeartbeatAndTick_IsHealthy()
    {
        var health = WorkerHealthEvaluator.Evaluate(Worker("w-1"), probe: null, Now, _options);

        Assert.NotNull(health);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal("worker:w-1", health.Name);
        Assert.Equal(2, health.Data["inFlight"]);
    }

    [Fact]
    public void Evaluate_ProbeMissedWithFreeSlots_IsUnhealthyWithReason()
    {
        var worker = Worker("w-3", tickAge: TimeSpan.FromSeconds(29));
        var probe = Probe("w-3", sentAgo: TimeSpan.FromSeconds(31), deadline: TimeSpan.FromSeconds(10));

        var health = WorkerHealthEvaluator.Evaluate(worker, probe, Now, _options);

        Assert.NotNull(health);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("worker w-3 has not consumed its probe for 31 s; its loop last turned 29 s ago", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ProbeMissedWithAllSlotsBusy_IsDegradedBusy()
    {
        var worker = Worker("w-2", inFlight: 4, concurrency: 4);
        var probe = Probe("w-2", sentAgo: TimeSpan.FromSeconds(20), deadline: TimeSpan.FromSeconds(10));

        var health = WorkerHealthEvaluator.Evaluate(worker, probe, Now, _options);

        Assert.Equal(HealthStatus.Degraded, health!.Status);
        Assert.Contains("busy", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LoopStaleButHeartbeatFresh_IsUnhealthyZombie()
    {
        var worker = Worker("w-4", tickAge: TimeSpan.FromSeconds(45), heartbeatAge: TimeSpan.FromSeconds(1));

        var health = WorkerHealthEvaluator.Evaluate(worker, null, Now, _options);

        Assert.Equal(HealthStatus.Unhealthy, health!.Status);
        Assert.Contains("its loop last turned 45 s ago", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_HeartbeatPastUnhealthyAge_IsDegradedGone()
    {
        var worker = Worker("w-5", tickAge: TimeSpan.FromSeconds(40), heartbeatAge: TimeSpan.FromSeconds(40));

        var health = WorkerHealthEvaluator.Evaluate(worker, null, Now, _options);

        Assert.Equal(HealthStatus.Degraded, health!.Status);
        Assert.Contains("gone", health.Description, StringComparison.Ordinal);
        Assert.False(WorkerHealthEvaluator.IsLive(worker, Now, _options));
    }

    [Fact]
    public void Evaluate_HeartbeatPastForgetAge_IsLeftOut()
    {
        var worker = Worker("w-6", tickAge: TimeSpan.FromMinutes(6), heartbeatAge: TimeSpan.FromMinutes(6));

        Assert.Null(WorkerHealthEvaluator.Evaluate(worker, null, Now, _options));
    }

    private WorkerHeartbeat Worker(
        string id, TimeSpan? tickAge = null, TimeSpan? heartbeatAge = null, int inFlight = 2, int concurrency = 4) => new()
    {
        WorkerId = id,
        Host = "host",
        ProcessId = 42,
        Queues = ["default"],
        Concurrency = concurrency,
        Status = WorkerStatuses.Running,
        StartedAt = Now.AddMinutes(-10),
        HeartbeatAt = Now - (heartbeatAge ?? TimeSpan.FromSeconds(1)),
        LoopTickAt = Now - (tickAge ?? TimeSpan.FromMilliseconds(200)),
        InFlight = inFlight,
        Processed = 100,
        Failed = 1,
        WorkingSetBytes = 100 * 1024 * 1024,
    };

    private ProbeStatus Probe(string workerId, TimeSpan sentAgo, TimeSpan deadline) =>
        ProbeStatusReader.Judge(
            TaskNames.PrivateQueueFor(workerId),
            outstanding: ProbeTask(TaskNames.PrivateQueueFor(workerId), Now - sentAgo, TaskState.Queued),
            finished: null,
            deadline,
            Now);

    internal static TaskRecord ProbeTask(string queue, DateTimeOffset createdAt, TaskState state, DateTimeOffset? finishedAt = null) => new()
    {
        Id = Guid.NewGuid().ToString("n"),
        Type = TaskNames.ProbeTaskType,
        Queue = queue,
        Payload = "{\"deadlineMs\":10000}",
        State = state,
        MaxAttempts = 1,
        CreatedAt = createdAt,
        FinishedAt = finishedAt,
    };
}
