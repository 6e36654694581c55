using Microsoft.Extensions.Options;
using Vigil.AspNetCore.Realtime;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>Reads the storage and shapes what the dashboard shows; shared by the JSON API and the live push.</summary>
/// <remarks>
/// Internal tasks (the sentinel's probes, type <see cref="TaskNames.ProbeTaskType"/>, and workers' private queues) are
/// left out of task lists and statistics unless asked for: they are filtered here, above the storage contract.
/// </remarks>
internal sealed partial class DashboardData(
    IVigilStorage storage,
    IOptions<VigilOptions> vigilOptions,
    IOptionsMonitor<VigilHealthOptions> healthOptions,
    IOptionsMonitor<SentinelOptions> sentinelOptions,
    TimeProvider timeProvider)
{
    /// <summary>A worker whose heartbeat is older than this many heartbeat intervals is shown as stale.</summary>
    private const int StaleHeartbeats = 3;

    public async Task<OverviewDto> GetOverviewAsync(CancellationToken cancellationToken)
    {
        var queues = await GetQueuesAsync(cancellationToken).ConfigureAwait(false);
        var records = await storage.GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var workers = ToDtos(records, now);
        var probes = await GetProbesAsync(records, now, cancellationToken).ConfigureAwait(false);
        var shared = queues.Where(static q => !q.IsPrivate).ToList();
        var totals = new TotalsDto(
            shared.Sum(static q => q.Ready),
            shared.Sum(static q => q.Delayed),
            queues.Sum(static q => q.Running),
            queues.Sum(static q => q.Dead),
            workers.Count,
            workers.Count(static w => w.Stale));
        return new OverviewDto(now, new StorageDto(storage.EngineName, storage.Location), totals, queues, workers, probes);
    }

    public async Task<IReadOnlyList<QueueDto>> GetQueuesAsync(CancellationToken cancellationToken)
    {
        var queues = await storage.GetQueuesAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return queues.Select(q => new QueueDto(
            q.Name,
            TaskNames.IsPrivateQueue(q.Name),
            q.Ready,
            q.Delayed,
            q.Running,
            q.Dead,
            q.OldestReadySince,
            AgeSeconds(now, q.OldestReadySince),
            q.LastSucceededAt,
            AgeSeconds(now, q.LastSucceededAt))).ToList();
    }

    public async Task<IReadOnlyList<WorkerDto>> GetWorkersAsync(CancellationToken cancellationToken)
    {
        var workers = await storage.GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        return ToDtos(workers, timeProvider.GetUtcNow());
    }

    /// <summary>
    /// The workers the health report shows too: one that stopped cleanly is gone at once (its record is removed; one whose
    /// removal failed is skipped), one that vanished is shown as gone until <see cref="VigilHealthOptions.ForgetWorkerAfter"/>.
    /// </summary>
    private List<WorkerDto> ToDtos(IReadOnlyList<WorkerHeartbeat> workers, DateTimeOffset now)
    {
        var health = healthOptions.CurrentValue;
        var staleAfter = vigilOptions.Value.HeartbeatInterval * StaleHeartbeats;
        return workers
            .Where(w => w.Status != WorkerStatuses.Stopped && now - w.HeartbeatAt <= health.ForgetWorkerAfter)
            .Select(w => ToDto(w, now, staleAfter, gone: !WorkerHealthEvaluator.IsLive(w, now, health)))
            .ToList();
    }

    private static WorkerDto ToDto(WorkerHeartbeat w, DateTimeOffset now, TimeSpan staleAfter, bool gone)
    {
        var heartbeatAge = (now - w.HeartbeatAt).TotalSeconds;
        return new WorkerDto(
            w.WorkerId,
            w.Host,
            w.ProcessId,
            w.Queues,
            w.Concurrency,
            w.Status,
            now - w.HeartbeatAt > staleAfter,
            gone,
            w.StartedAt,
            w.HeartbeatAt,
            Math.Max(0, heartbeatAge),
            w.LoopTickAt,
            Math.Max(0, (now - w.LoopTickAt).TotalSeconds),
            w.InFlight,
            w.Processed,
            w.Failed,
            w.CpuPercent,
            w.WorkingSetBytes,
            w.GcHeapBytes,
            w.ThreadPoolQueueLength,
            w.Throughput,
            w.Version,
            w.HealthUrl);
    }

    private static double? AgeSeconds(DateTimeOffset now, DateTimeOffset? since) =>
        since is { } value ? Math.Max(0, (now - value).TotalSeconds) : null;
}
