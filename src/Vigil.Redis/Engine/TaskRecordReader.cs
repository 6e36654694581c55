using System.Globalization;
using StackExchange.Redis;
using Vigil.Tasks;

namespace Vigil.Redis.Engine;

/// <summary>Reads a task hash (short field names, times in µs) into a <see cref="TaskRecord"/>.</summary>
internal static class TaskRecordReader
{
    public static TaskRecord Read(HashEntry[] entries, bool withTimeline)
    {
        var fields = new Dictionary<string, string>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            fields[entry.Name.ToString()] = entry.Value.ToString();
        }

        _ = TaskStateExtensions.TryParseWireName(Get(fields, "st"), out var state);
        return new TaskRecord
        {
            Id = Get(fields, "id") ?? string.Empty,
            Type = Get(fields, "ty") ?? string.Empty,
            Queue = Get(fields, "q") ?? string.Empty,
            Payload = Get(fields, "p") ?? string.Empty,
            State = state,
            Attempt = Int(fields, "a"),
            MaxAttempts = Int(fields, "ma"),
            Timeout = Get(fields, "to") is { Length: > 0 } to ? TimeSpan.FromTicks(long.Parse(to, CultureInfo.InvariantCulture)) : null,
            CreatedAt = Time(fields, "c") ?? DateTimeOffset.UnixEpoch,
            DueAt = Time(fields, "du"),
            FinishedAt = Time(fields, "f"),
            IdempotencyKey = Get(fields, "ik"),
            Result = Get(fields, "r"),
            LastError = Error(fields, string.Empty),
            LeaseOwner = state == TaskState.Running ? Get(fields, "lo") : null,
            LeaseExpiresAt = state == TaskState.Running ? Time(fields, "le") : null,
            CancelRequested = Get(fields, "cr") == "1",
            TraceParent = Get(fields, "tp"),
            TraceState = Get(fields, "ts"),
            Timeline = withTimeline ? Timeline(fields) : [],
        };
    }

    private static List<TaskAttempt> Timeline(Dictionary<string, string> fields)
    {
        var count = Int(fields, "n");
        var timeline = new List<TaskAttempt>(count);
        for (var k = 1; k <= count; k++)
        {
            var p = k.ToString(CultureInfo.InvariantCulture) + ":";
            timeline.Add(new TaskAttempt
            {
                Number = Int(fields, p + "n"),
                WorkerId = Get(fields, p + "w") ?? string.Empty,
                StartedAt = Time(fields, p + "s") ?? DateTimeOffset.UnixEpoch,
                EndedAt = Time(fields, p + "e"),
                Outcome = Get(fields, p + "o"),
                Error = Error(fields, p),
            });
        }

        return timeline;
    }

    private static TaskError? Error(Dictionary<string, string> fields, string prefix)
    {
        var type = Get(fields, prefix + "eT");
        if (type is null)
        {
            return null;
        }

        var stack = Get(fields, prefix + "eS");
        return new TaskError(type, Get(fields, prefix + "eM") ?? string.Empty, string.IsNullOrEmpty(stack) ? null : stack);
    }

    private static string? Get(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value : null;

    private static int Int(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static DateTimeOffset? Time(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros)
            ? RedisVigilStorage.FromMicros(micros)
            : null;
}
