using Microsoft.Extensions.Options;
using Vigil.AspNetCore.Realtime;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>Reads the storage and shapes what the dashboard shows; shared by the JSON API and the live push.</summary>
internal sealed class DashboardData(IVigilStorage storage, IOptions<VigilOptions> vigilOptions, TimeProvider timeProvider)
{
    /// <summary>A worker whose heartbeat is older than this many heartbeat intervals is shown as stale.</summary>
    private const int StaleHeartbeats = 3;

    public async Task<OverviewDto> GetOverviewAsync(CancellationToken cancellationToken)
    {
        var queues = await GetQueuesAsync(cancellationToken).ConfigureAwait(false);
        var workers = await GetWorkersAsync(cancellationToken).ConfigureAwait(false);
        var shared = queues.Where(static q => !q.IsPrivate).ToList();
        var totals = new TotalsDto(
            shared.Sum(static q => q.Ready),
            shared.Sum(static q => q.Delayed),
            queues.Sum(static q => q.Running),
            queues.Sum(static q => q.Dead),
            workers.Count,
            workers.Count(static w => w.Stale));
        return new OverviewDto(timeProvider.GetUtcNow(), new StorageDto(storage.EngineName, storage.Location), totals, queues, workers);
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
        var now = timeProvider.GetUtcNow();
        var staleAfter = vigilOptions.Value.HeartbeatInterval * StaleHeartbeats;
        return workers.Select(w => ToDto(w, now, staleAfter)).ToList();
    }

    public async Task<StatsDto> GetStatisticsAsync(int minutes, string? queue, string? type, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var currentMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var from = currentMinute.AddMinutes(-(minutes - 1));
        var to = currentMinute.AddMinutes(1);
        var buckets = await storage.GetStatisticsAsync(
            new StatisticsQuery { From = from, To = to, Queue = queue, Type = type }, cancellationToken).ConfigureAwait(false);

        var byMinute = buckets
            .GroupBy(static b => b.Minute.ToUniversalTime())
            .ToDictionary(static g => g.Key, static g => Sum(g.Key, g));
        var series = new List<StatsPointDto>(minutes);
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            series.Add(byMinute.TryGetValue(minute, out var point) ? point : Sum(minute, []));
        }

        return new StatsDto(minutes, from, to, Sum(from, buckets), series);
    }

    public static TaskSummaryDto ToSummary(TaskRecord task) => new(
        task.Id,
        task.Type,
        task.Queue,
        task.State.ToWireName(),
        task.Attempt,
        task.MaxAttempts,
        task.CreatedAt,
        task.DueAt,
        task.FinishedAt,
        task.LeaseOwner,
        task.CancelRequested,
        task.State is TaskState.Retrying or TaskState.Dead ? task.LastError?.Message : null);

    public static TaskDetailDto ToDetail(TaskRecord task) => new(
        task.Id,
        task.Type,
        task.Queue,
        task.State.ToWireName(),
        task.State.IsTerminal(),
        task.Attempt,
        task.MaxAttempts,
        task.Timeout?.TotalSeconds,
        task.CreatedAt,
        task.DueAt,
        task.FinishedAt,
        task.IdempotencyKey,
        task.LeaseOwner,
        task.LeaseExpiresAt,
        task.CancelRequested,
        task.TraceParent,
        JsonText.Parse(task.Payload),
        JsonText.Parse(task.Result),
        ToDto(task.LastError),
        task.Timeline.Select(static a => new AttemptDto(
            a.Number,
            a.WorkerId,
            a.StartedAt,
            a.EndedAt,
            a.EndedAt is { } end ? (end - a.StartedAt).TotalMilliseconds : null,
            a.Outcome,
            ToDto(a.Error))).ToList());

    private static TaskErrorDto? ToDto(TaskError? error) =>
        error is null ? null : new TaskErrorDto(error.Type, error.Message, error.StackTrace);

    private static WorkerDto ToDto(WorkerHeartbeat w, DateTimeOffset now, TimeSpan staleAfter)
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

    private static StatsPointDto Sum(DateTimeOffset minute, IEnumerable<StatisticsBucket> buckets)
    {
        long enqueued = 0, succeeded = 0, failed = 0, retried = 0, timedOut = 0, dead = 0, runCount = 0, waitCount = 0;
        TimeSpan runTotal = TimeSpan.Zero, runMax = TimeSpan.Zero, waitTotal = TimeSpan.Zero, waitMax = TimeSpan.Zero;
        foreach (var b in buckets)
        {
            enqueued += b.Enqueued;
            succeeded += b.Succeeded;
            failed += b.Failed;
            retried += b.Retried;
            timedOut += b.TimedOut;
            dead += b.Dead;
            runCount += b.RunCount;
            runTotal += b.RunTimeTotal;
            runMax = b.RunTimeMax > runMax ? b.RunTimeMax : runMax;
            waitCount += b.WaitCount;
            waitTotal += b.WaitTimeTotal;
            waitMax = b.WaitTimeMax > waitMax ? b.WaitTimeMax : waitMax;
        }

        return new StatsPointDto(
            minute,
            enqueued,
            succeeded,
            failed,
            retried,
            timedOut,
            dead,
            runCount > 0 ? runTotal.TotalMilliseconds / runCount : null,
            runCount > 0 ? runMax.TotalMilliseconds : null,
            waitCount > 0 ? waitTotal.TotalMilliseconds / waitCount : null,
            waitCount > 0 ? waitMax.TotalMilliseconds : null);
    }
}
