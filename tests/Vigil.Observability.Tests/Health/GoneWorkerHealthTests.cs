using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vigil.Health;
using Vigil.Workers;

namespace Vigil.Observability.Tests.Health;

/// <summary>How a worker that left is judged: gone at once from the report when it stopped cleanly; when it vanished,
/// degraded or unhealthy by what it left behind, then forgotten.</summary>
public sealed class GoneWorkerHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly VigilHealthOptions _options = new();

    [Fact]
    public void Evaluate_VanishedAndItsQueueServedByAnother_IsDegradedSayingWhenAndThatItsLeasesWereTakenOver()
    {
        var gone = Worker("w-1", heartbeatAge: TimeSpan.FromSeconds(40), inFlight: 2);

        var health = WorkerHealthEvaluator.Evaluate(gone, null, Now, _options, [Worker("w-2")], leasesStillHeld: 0);

        Assert.NotNull(health);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(
            "worker w-1 is gone: it vanished at 2026-01-01 11:59:20 UTC (no heartbeat for 40 s); its 2 leases were taken over; its queues are served by 1 live worker",
            health.Description);
        Assert.Equal(true, health.Data["gone"]);
        Assert.Equal(2, health.Data["leasesTakenOver"]);
    }

    [Fact]
    public void Evaluate_VanishedWithLeasesNotYetExpired_SaysHowManyAreStillHeld()
    {
        var gone = Worker("w-1", heartbeatAge: TimeSpan.FromSeconds(35), inFlight: 2);

        var health = WorkerHealthEvaluator.Evaluate(gone, null, Now, _options, [Worker("w-2")], leasesStillHeld: 1);

        Assert.Equal(HealthStatus.Degraded, health!.Status);
        Assert.Contains("1 of its 2 leases taken over so far, 1 more once it expires", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_VanishedAndNoLiveWorkerServesItsQueue_IsUnhealthyNamingTheQueue()
    {
        var gone = Worker("w-1", heartbeatAge: TimeSpan.FromSeconds(40), inFlight: 1, queues: ["reports", "default"]);

        var health = WorkerHealthEvaluator.Evaluate(gone, null, Now, _options, [Worker("w-2", queues: ["default"])], leasesStillHeld: 1);

        Assert.Equal(HealthStatus.Unhealthy, health!.Status);
        Assert.Contains("and left queue 'reports' unserved: no live worker consumes it; its 1 lease waits for a live worker to take it over", health.Description, StringComparison.Ordinal);
        Assert.Equal(new[] { "reports" }, health.Data["unservedQueues"]);
    }

    [Fact]
    public void Evaluate_StoppedWorkerRecord_IsLeftOutAtOnce()
    {
        var stopped = Worker("w-1", heartbeatAge: TimeSpan.FromSeconds(1)) with { Status = WorkerStatuses.Stopped };

        Assert.Null(WorkerHealthEvaluator.Evaluate(stopped, null, Now, _options, [], 0));
    }

    [Fact]
    public void Judge_VanishedWorkerPastTheForgetWindow_LeavesTheReportAndNoLongerDegradesIt()
    {
        // Arrange: the default window is 2 minutes.
        var workers = new[] { Worker("w-live"), Worker("w-old", heartbeatAge: TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1)) };

        // Act
        var snapshot = VigilHealthReporter.Judge(Now, workers, [], [], [], _options);

        // Assert
        var worker = Assert.Single(snapshot.Workers);
        Assert.Equal("worker:w-live", worker.Name);
        Assert.Equal(HealthStatus.Healthy, ComponentHealth.Worst(snapshot.All));
        Assert.Equal(TimeSpan.FromMinutes(2), _options.ForgetWorkerAfter);
    }

    [Fact]
    public void Judge_VanishedWorkerWithHeldLeases_UsesTheCountsRead()
    {
        var workers = new[] { Worker("w-live"), Worker("w-gone", heartbeatAge: TimeSpan.FromSeconds(50), inFlight: 3) };

        var snapshot = VigilHealthReporter.Judge(Now, workers, [], [], [], _options, new Dictionary<string, int> { ["w-gone"] = 2 });

        var gone = Assert.Single(snapshot.Workers, w => w.Name == "worker:w-gone");
        Assert.Equal(HealthStatus.Degraded, gone.Status);
        Assert.Contains("1 of its 3 leases taken over so far, 2 more once they expire", gone.Description, StringComparison.Ordinal);
        Assert.Equal(1, snapshot.LiveWorkers);
    }

    private static WorkerHeartbeat Worker(string id, TimeSpan? heartbeatAge = null, int inFlight = 0, string[]? queues = null) => new()
    {
        WorkerId = id,
        Host = "host",
        ProcessId = 42,
        Queues = queues ?? ["default"],
        Concurrency = 4,
        Status = WorkerStatuses.Running,
        StartedAt = Now.AddMinutes(-10),
        HeartbeatAt = Now - (heartbeatAge ?? TimeSpan.FromSeconds(1)),
        LoopTickAt = Now - (heartbeatAge ?? TimeSpan.FromMilliseconds(200)),
        InFlight = inFlight,
    };
}
