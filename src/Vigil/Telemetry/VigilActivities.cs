using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.Storage;

namespace Vigil.Telemetry;

/// <summary>
/// Vigil's one <see cref="ActivitySource"/>: a producer span at enqueue whose W3C context is stored in the task, and a
/// consumer span at execution whose parent is that stored context, so one trace runs from a web request to the handler.
/// </summary>
internal static class VigilActivities
{
    public static readonly ActivitySource Source = new(VigilInstruments.ActivitySourceName, typeof(VigilActivities).Assembly.GetName().Version?.ToString());

    /// <summary>The most task types whose span names are kept; past it a name is formatted per span.</summary>
    private const int MaxCachedNames = 256;

    /// <summary>Attempt numbers boxed once, so tagging a span's attempt allocates nothing for the usual attempts.</summary>
    private static readonly object[] BoxedAttempts = [.. Enumerable.Range(0, 17).Select(static i => (object)i)];

    private static readonly ConcurrentDictionary<string, string> ProcessNames = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> EnqueueNames = new(StringComparer.Ordinal);

    /// <summary>Starts the producer span of an enqueue (null when nobody listens).</summary>
    public static Activity? StartEnqueue(string type, string queue, int count)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(count == 1 ? Name(EnqueueNames, "enqueue ", type) : "enqueue batch", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "vigil");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", queue);
            activity.SetTag("vigil.task.type", type);
            activity.SetTag("messaging.batch.message_count", count);
        }

        return activity;
    }

    /// <summary>The W3C trace context to store in a task: the producer span's, or the ambient activity's.</summary>
    public static (string? TraceParent, string? TraceState) CurrentContext(Activity? producer)
    {
        var activity = producer ?? Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return (null, null);
        }

        return (activity.Id, activity.TraceStateString);
    }

    /// <summary>Starts the consumer span of an attempt, child of the stored producer context when there is one.</summary>
    /// <remarks>Nothing is parsed, formatted or allocated when no listener samples the span (null then).</remarks>
    public static Activity? StartProcess(ClaimedTask task)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (task.TraceParent is not null)
        {
            _ = ActivityContext.TryParse(task.TraceParent, task.TraceState, isRemote: true, out parent);
        }

        var activity = Source.StartActivity(Name(ProcessNames, "process ", task.Type), ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "vigil");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", task.Queue);
            activity.SetTag("messaging.message.id", task.Id);
            activity.SetTag("vigil.task.type", task.Type);
            activity.SetTag("vigil.task.attempt", (uint)task.Attempt < (uint)BoxedAttempts.Length ? BoxedAttempts[task.Attempt] : task.Attempt);
        }

        return activity;
    }

    /// <summary>A span name per task type, formatted once (task types are few; a flood of distinct ones is not cached).</summary>
    private static string Name(ConcurrentDictionary<string, string> cache, string prefix, string type)
    {
        if (cache.TryGetValue(type, out var name))
        {
            return name;
        }

        name = prefix + type;
        if (cache.Count < MaxCachedNames)
        {
            cache.TryAdd(type, name);
        }

        return name;
    }
}
