using System.Diagnostics;

namespace Vigil.Telemetry;

/// <summary>
/// Vigil's one <see cref="ActivitySource"/>: a producer span at enqueue whose W3C context is stored in the task, and a
/// consumer span at execution whose parent is that stored context, so one trace runs from a web request to the handler.
/// </summary>
internal static class VigilActivities
{
    public static readonly ActivitySource Source = new(VigilInstruments.ActivitySourceName, typeof(VigilActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the producer span of an enqueue (null when nobody listens).</summary>
    public static Activity? StartEnqueue(string type, string queue, int count)
    {
        var activity = Source.StartActivity(count == 1 ? $"enqueue {type}" : "enqueue batch", ActivityKind.Producer);
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
    public static Activity? StartProcess(string type, string queue, string taskId, int attempt, string? traceParent, string? traceState)
    {
        ActivityContext parent = default;
        if (traceParent is not null)
        {
            _ = ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }

        var activity = Source.StartActivity($"process {type}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "vigil");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", queue);
            activity.SetTag("messaging.message.id", taskId);
            activity.SetTag("vigil.task.type", type);
            activity.SetTag("vigil.task.attempt", attempt);
        }

        return activity;
    }
}
