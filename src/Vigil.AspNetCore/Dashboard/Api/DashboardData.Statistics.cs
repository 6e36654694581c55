using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <content>Per-minute statistics, for everything at once or per queue, with the probes left out unless asked for.</content>
internal sealed partial class DashboardData
{
    public async Task<StatsDto> GetStatisticsAsync(
        int minutes, string? queue, string? type, bool includeInternal, CancellationToken cancellationToken)
    {
        var (from, to) = Window(minutes);
        var buckets = await storage.GetStatisticsAsync(
            new StatisticsQuery { From = from, To = to, Queue = queue, Type = type }, cancellationToken).ConfigureAwait(false);

        // Asking for a private queue or the probe type by name is asking for internal tasks.
        var internalToo = includeInternal || type == TaskNames.ProbeTaskType || (queue is not null && TaskNames.IsPrivateQueue(queue));
        var kept = internalToo ? buckets : buckets.Where(static b => !IsInternal(b)).ToList();
        return new StatsDto(minutes, from, to, internalToo, Sum(from, kept), Series(from, to, kept));
    }

    public async Task<QueueStatsPageDto> GetQueueStatisticsAsync(int minutes, bool includeInternal, CancellationToken cancellationToken)
    {
        var (from, to) = Window(minutes);
        var buckets = await storage.GetStatisticsAsync(new StatisticsQuery { From = from, To = to }, cancellationToken).ConfigureAwait(false);
        var queues = buckets
            .Where(b => includeInternal || !IsInternal(b))
            .GroupBy(static b => b.Queue, StringComparer.Ordinal)
            .OrderBy(static g => g.Key, StringComparer.Ordinal)
            .Select(g => new QueueStatsDto(g.Key, TaskNames.IsPrivateQueue(g.Key), Sum(from, g), Series(from, to, [.. g])))
            .ToList();
        return new QueueStatsPageDto(minutes, from, to, includeInternal, queues);
    }

    private static bool IsInternal(StatisticsBucket bucket) =>
        bucket.Type == TaskNames.ProbeTaskType || TaskNames.IsPrivateQueue(bucket.Queue);

    /// <summary>The last <paramref name="minutes"/> whole minutes, the current one included.</summary>
    private (DateTimeOffset From, DateTimeOffset To) Window(int minutes)
    {
        var now = timeProvider.GetUtcNow();
        var currentMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return (currentMinute.AddMinutes(-(minutes - 1)), currentMinute.AddMinutes(1));
    }

    private static List<StatsPointDto> Series(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<StatisticsBucket> buckets)
    {
        var byMinute = buckets
            .GroupBy(static b => b.Minute.ToUniversalTime())
            .ToDictionary(static g => g.Key, static g => Sum(g.Key, g));
        var series = new List<StatsPointDto>((int)(to - from).TotalMinutes);
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            series.Add(byMinute.TryGetValue(minute, out var point) ? point : Sum(minute, []));
        }

        return series;
    }

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
            waitCount > 0 ? waitMax.TotalMilliseconds : null,
            runCount,
            waitCount);
    }
}
