using Microsoft.Extensions.Time.Testing;
using Vigil.Observability.Tests.Health;
using Vigil.Probes;
using Vigil.Tasks;

namespace Vigil.Observability.Tests.Probes;

public sealed class ProbeStatusReaderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Derive_ConsumedProbe_IsOkWithLatencyAndOlderOnesObsolete()
    {
        var older = WorkerHealthEvaluatorTests.ProbeTask("default", Now.AddSeconds(-30), TaskState.Succeeded, Now.AddSeconds(-29.9));
        var last = WorkerHealthEvaluatorTests.ProbeTask("default", Now.AddSeconds(-5), TaskState.Succeeded, Now.AddSeconds(-5).AddMilliseconds(25));

        var status = Assert.Single(ProbeStatusReader.Derive([last, older], Now, Deadline));

        Assert.Equal(ProbeState.Ok, status.State);
        Assert.Equal("queue:default", status.Target);
        Assert.Equal(TimeSpan.FromMilliseconds(25), status.LastLatency);
        Assert.Equal([older.Id], status.ObsoleteTaskIds);
    }

    [Fact]
    public void Derive_OutstandingPastDeadline_IsMissedAndKeepsLastLatency()
    {
        var last = WorkerHealthEvaluatorTests.ProbeTask("_worker.w-3", Now.AddSeconds(-45), TaskState.Succeeded, Now.AddSeconds(-44.99));
        var outstanding = WorkerHealthEvaluatorTests.ProbeTask("_worker.w-3", Now.AddSeconds(-31), TaskState.Queued);

        var status = Assert.Single(ProbeStatusReader.Derive([outstanding, last], Now, Deadline));

        Assert.Equal(ProbeState.Missed, status.State);
        Assert.Equal("worker:w-3", status.Target);
        Assert.Equal("w-3", status.WorkerId);
        Assert.Equal(TimeSpan.FromSeconds(31), status.PendingFor(Now));
        Assert.NotNull(status.LastLatency);
    }

    [Fact]
    public void Derive_OutstandingWithinDeadline_IsPending()
    {
        var outstanding = WorkerHealthEvaluatorTests.ProbeTask("default", Now.AddSeconds(-2), TaskState.Queued);

        var status = Assert.Single(ProbeStatusReader.Derive([outstanding], Now, Deadline));

        Assert.Equal(ProbeState.Pending, status.State);
        Assert.Equal(outstanding.Id, status.OutstandingTaskId);
    }

    [Fact]
    public void ReadDeadline_PayloadCarriesIt_UsesPayload()
    {
        var payload = ProbePayload.Create("queue:default", TimeSpan.FromSeconds(3), "me");

        Assert.Equal(TimeSpan.FromSeconds(3), ProbePayload.ReadDeadline(payload, Deadline));
        Assert.Equal(Deadline, ProbePayload.ReadDeadline("not json", Deadline));
    }
}
