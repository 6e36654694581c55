using System.Globalization;
using StackExchange.Redis;
using Vigil.Statistics;

namespace Vigil.Redis.Engine;

/// <summary>Reads a per-minute statistics hash (fields <c>type|counter</c>) into one bucket per task type.</summary>
internal static class StatisticsReader
{
    public static IEnumerable<StatisticsBucket> Read(string queue, DateTimeOffset minute, HashEntry[] entries, string? typeFilter)
    {
        var byType = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = entry.Name.ToString();
            var bar = name.LastIndexOf('|');
            if (bar <= 0)
            {
                continue;
            }

            var type = name[..bar];
            if (typeFilter is not null && !string.Equals(type, typeFilter, StringComparison.Ordinal))
            {
                continue;
            }

            if (!byType.TryGetValue(type, out var counters))
            {
                byType[type] = counters = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            counters[name[(bar + 1)..]] = long.Parse(entry.Value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        }

        foreach (var (type, c) in byType)
        {
            yield return new StatisticsBucket
            {
                Minute = minute,
                Queue = queue,
                Type = type,
                Enqueued = Get(c, "e"),
                Succeeded = Get(c, "s"),
                Failed = Get(c, "f"),
                Retried = Get(c, "r"),
                TimedOut = Get(c, "t"),
                Dead = Get(c, "d"),
                RunCount = Get(c, "rc"),
                RunTimeTotal = TimeSpan.FromTicks(Get(c, "rt")),
                RunTimeMax = TimeSpan.FromTicks(Get(c, "rm")),
                WaitCount = Get(c, "wc"),
                WaitTimeTotal = TimeSpan.FromTicks(Get(c, "wt")),
                WaitTimeMax = TimeSpan.FromTicks(Get(c, "wm")),
            };
        }
    }

    private static long Get(Dictionary<string, long> counters, string name) => counters.TryGetValue(name, out var value) ? value : 0;
}
