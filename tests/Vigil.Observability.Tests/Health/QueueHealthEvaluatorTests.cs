using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Health;

public sealed class QueueHealthEvaluatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly VigilHealthOptions _options = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Evaluate_ReadyTasksAndNoLiveWorker_IsUnhealthyNotServed()
    {
        var queue = new QueueSummary { Name = "orphan", Ready = 3, OldestReadySince = Now.AddSeconds(-12) };

        var health = QueueHealthEvaluator.Evaluate(queue, liveConsumers: 0, default, null, Now, _options);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("queue 'orphan' is not served: no live worker consumes it", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ProbeMissedWhileTasksComplete_IsDegradedBacklog()
    {
        // Arrange: a big backlog, served but slowly: a task succeeded after the probe was sent.
        var queue = new QueueSummary
        {
            Name = "reports", Ready = 1204, Running = 4, OldestReadySince = Now.AddSeconds(-40), LastSucceededAt = Now.AddSeconds(-1),
        };
        var probe = MissedProbe("reports", sentAgo: TimeSpan.FromSeconds(15));

        // Act
        var health = QueueHealthEvaluator.Evaluate(queue, liveConsumers: 2, new QueueWindowCounts(500, 0), probe, Now, _options);

        // Assert
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("backlog", health.Description, StringComparison.Ordinal);
        Assert.Contains("oldest waiting 40 s", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ProbeMissedAndNothingCompletesSinceItWasSent_IsUnhealthy()
    {
        var queue = new QueueSummary
        {
            Name = "reports", Ready = 10, Running = 0, OldestReadySince = Now.AddSeconds(-40), LastSucceededAt = Now.AddSeconds(-60),
        };
        var probe = MissedProbe("reports", sentAgo: TimeSpan.FromSeconds(31));

        var health = QueueHealthEvaluator.Evaluate(queue, liveConsumers: 1, default, probe, Now, _options);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("is not served: nothing completed since its probe was sent; its probe has waited 31 s", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FailureRatioOverUnhealthyThreshold_IsUnhealthy()
    {
        var queue = new QueueSummary { Name = "mail", LastSucceededAt = Now.AddSeconds(-2) };

        var health = QueueHealthEvaluator.Evaluate(queue, 1, new QueueWindowCounts(Succeeded: 4, Failed: 6), null, Now, _options);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("60%", health.Description, StringComparison.Ordinal);
        Assert.Equal(0.6, (double)health.Data["failureRatio"], 3);
    }

    [Fact]
    public void Evaluate_FewAttemptsFailing_IsNotJudgedOnRatio()
    {
        var queue = new QueueSummary { Name = "mail" };

        var health = QueueHealthEvaluator.Evaluate(queue, 1, new QueueWindowCounts(Succeeded: 0, Failed: 3), null, Now, _options);

        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public void Evaluate_ServedQueueWithProbeLatency_IsHealthyWithFigures()
    {
        var queue = new QueueSummary { Name = "default", Ready = 1, OldestReadySince = Now.AddMilliseconds(-300), LastSucceededAt = Now.AddSeconds(-1) };
        var probe = ProbeStatusReader.Judge(
            "default", null,
            WorkerHealthEvaluatorTests.ProbeTask("default", Now.AddSeconds(-3), TaskState.Succeeded, Now.AddSeconds(-3).AddMilliseconds(12)),
            TimeSpan.FromSeconds(10), Now);

        var health = QueueHealthEvaluator.Evaluate(queue, 2, new QueueWindowCounts(10, 0), probe, Now, _options);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(0.012, (double)health.Data["probeLatencySeconds"], 3);
        Assert.Equal(0.3, (double)health.Data["oldestReadyAgeSeconds"], 3);
    }

    private ProbeStatus MissedProbe(string queue, TimeSpan sentAgo) =>
        ProbeStatusReader.Judge(
            queue, WorkerHealthEvaluatorTests.ProbeTask(queue, Now - sentAgo, TaskState.Queued), null, TimeSpan.FromSeconds(10), Now);
}
