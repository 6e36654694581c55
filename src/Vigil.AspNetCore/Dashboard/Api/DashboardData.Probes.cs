using Vigil.Health;
using Vigil.Probes;
using Vigil.Workers;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <content>The probes section: every probe target's state, derived from the probe tasks like <c>/health</c> does.</content>
internal sealed partial class DashboardData
{
    public async Task<IReadOnlyList<ProbeDto>> GetProbesAsync(CancellationToken cancellationToken)
    {
        var workers = await storage.GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        return await GetProbesAsync(workers, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ProbeDto>> GetProbesAsync(
        IReadOnlyList<WorkerHeartbeat> workers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var probes = await ProbeStatusReader.ReadAsync(storage, now, sentinelOptions.CurrentValue.Deadline, cancellationToken).ConfigureAwait(false);
        var health = healthOptions.CurrentValue;
        var live = workers.Where(w => WorkerHealthEvaluator.IsLive(w, now, health)).Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);

        // As in /health: a worker probe outlives its worker until the sentinel removes it; the workers table says it is gone.
        return probes
            .Where(p => p.WorkerId is null || live.Contains(p.WorkerId))
            .Select(p => ToDto(p, now))
            .ToList();
    }

    private static ProbeDto ToDto(ProbeStatus probe, DateTimeOffset now)
    {
        var judged = VigilHealthReporter.JudgeProbe(probe, now);
        return new ProbeDto(
            probe.Target,
            probe.Kind,
            probe.Queue,
            probe.WorkerId,
            probe.State.ToString().ToLowerInvariant(),
            judged.Status.ToString(),
            judged.Description,
            probe.Deadline.TotalMilliseconds,
            probe.LastLatency?.TotalMilliseconds,
            probe.LastCompletedAt,
            probe.LastError is null ? probe.LastCompletedAt : null,
            probe.PendingFor(now) is { } pending ? Math.Max(0, pending.TotalSeconds) : null,
            probe.LastError,
            probe.OutstandingTaskId,
            probe.LastTaskId);
    }
}
