using Vigil.Sqlite.Connections;
using Vigil.Statistics;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    private const long MinuteMs = 60_000;

    public async ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadAsync("read statistics", query, static (_, session, query) => ReadStatistics(session, query), cancellationToken)
            .ConfigureAwait(false);
    }

    private static List<StatisticsBucket> ReadStatistics(SqliteSession session, StatisticsQuery query)
    {
        // The bucket that holds From counts as its first minute; To is exclusive.
        var from = FloorToMinute(query.From.ToUnixTimeMilliseconds());
        var to = query.To.ToUnixTimeMilliseconds();
        var sql = "SELECT minute, queue, type, enqueued, succeeded, failed, retried, timed_out, dead, run_count, run_ticks, run_max_ticks, "
            + "wait_count, wait_ticks, wait_max_ticks FROM vigil_stats WHERE minute >= $from AND minute < $to"
            + (query.Queue is null ? string.Empty : " AND queue = $queue")
            + (query.Type is null ? string.Empty : " AND type = $type")
            + " ORDER BY minute, queue, type";
        var command = session.Command(sql).Bind("$from", from).Bind("$to", to);
        if (query.Queue is not null)
        {
            command.Bind("$queue", query.Queue);
        }

        if (query.Type is not null)
        {
            command.Bind("$type", query.Type);
        }

        var buckets = new List<StatisticsBucket>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            buckets.Add(new StatisticsBucket
            {
                Minute = FromMs(reader.GetInt64(0)),
                Queue = reader.GetString(1),
                Type = reader.GetString(2),
                Enqueued = reader.GetInt64(3),
                Succeeded = reader.GetInt64(4),
                Failed = reader.GetInt64(5),
                Retried = reader.GetInt64(6),
                TimedOut = reader.GetInt64(7),
                Dead = reader.GetInt64(8),
                RunCount = reader.GetInt64(9),
                RunTimeTotal = TimeSpan.FromTicks(reader.GetInt64(10)),
                RunTimeMax = TimeSpan.FromTicks(reader.GetInt64(11)),
                WaitCount = reader.GetInt64(12),
                WaitTimeTotal = TimeSpan.FromTicks(reader.GetInt64(13)),
                WaitTimeMax = TimeSpan.FromTicks(reader.GetInt64(14)),
            });
        }

        return buckets;
    }

    /// <summary>Adds <paramref name="delta"/> to the bucket of the minute of <paramref name="nowMs"/>; call inside the write transaction it counts.</summary>
    private static void AddStatistics(SqliteSession session, long nowMs, string queue, string type, in StatisticsDelta delta)
    {
        session.Command("""
            INSERT INTO vigil_stats (minute, queue, type, enqueued, succeeded, failed, retried, timed_out, dead,
                                     run_count, run_ticks, run_max_ticks, wait_count, wait_ticks, wait_max_ticks)
            VALUES ($minute, $queue, $type, $enqueued, $succeeded, $failed, $retried, $timedOut, $dead,
                    $runCount, $runTicks, $runMaxTicks, $waitCount, $waitTicks, $waitMaxTicks)
            ON CONFLICT (minute, queue, type) DO UPDATE SET
                enqueued = enqueued + excluded.enqueued,
                succeeded = succeeded + excluded.succeeded,
                failed = failed + excluded.failed,
                retried = retried + excluded.retried,
                timed_out = timed_out + excluded.timed_out,
                dead = dead + excluded.dead,
                run_count = run_count + excluded.run_count,
                run_ticks = run_ticks + excluded.run_ticks,
                run_max_ticks = max(run_max_ticks, excluded.run_max_ticks),
                wait_count = wait_count + excluded.wait_count,
                wait_ticks = wait_ticks + excluded.wait_ticks,
                wait_max_ticks = max(wait_max_ticks, excluded.wait_max_ticks)
            """)
            .Bind("$minute", FloorToMinute(nowMs))
            .Bind("$queue", queue)
            .Bind("$type", type)
            .Bind("$enqueued", delta.Enqueued)
            .Bind("$succeeded", delta.Succeeded)
            .Bind("$failed", delta.Failed)
            .Bind("$retried", delta.Retried)
            .Bind("$timedOut", delta.TimedOut)
            .Bind("$dead", delta.Dead)
            .Bind("$runCount", delta.RunCount)
            .Bind("$runTicks", delta.RunTicks)
            .Bind("$runMaxTicks", delta.RunMaxTicks)
            .Bind("$waitCount", delta.WaitCount)
            .Bind("$waitTicks", delta.WaitTicks)
            .Bind("$waitMaxTicks", delta.WaitMaxTicks)
            .ExecuteNonQuery();
    }

    private static long FloorToMinute(long ms) => ms - (((ms % MinuteMs) + MinuteMs) % MinuteMs);

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? FromMs(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>What one state change adds to a statistics bucket.</summary>
    private record struct StatisticsDelta
    {
        public long Enqueued;
        public long Succeeded;
        public long Failed;
        public long Retried;
        public long TimedOut;
        public long Dead;
        public long RunCount;
        public long RunTicks;
        public long RunMaxTicks;
        public long WaitCount;
        public long WaitTicks;
        public long WaitMaxTicks;

        public readonly bool IsEmpty => this == default;
    }
}
