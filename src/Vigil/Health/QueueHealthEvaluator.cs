using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vigil.Probes;
using Vigil.Storage;

namespace Vigil.Health;

/// <summary>
/// Judges one shared queue from its summary, its recent statistics, the live workers that consume it and its queue probe.
/// Pure: the time is passed in.
/// </summary>
/// <remarks>
/// The distinction that matters: a queue that is served but slowly (tasks still complete, or run, since the probe was
/// sent) is <i>degraded: backlog</i>; a queue that nobody serves (no live consumer, or nothing completed since the probe
/// was sent) is <i>unhealthy</i>. A large backlog must never raise a false "not served" alarm.
/// </remarks>
internal static class QueueHealthEvaluator
{
    public static ComponentHealth Evaluate(
        QueueSummary queue, int liveConsumers, QueueWindowCounts counts, ProbeStatus? probe, DateTimeOffset now,
        VigilHealthOptions options)
    {
        var name = queue.Name;
        var oldestAge = queue.OldestReadySince is { } since ? now - since : (TimeSpan?)null;
        var lastSuccessAge = queue.LastSucceededAt is { } last ? now - last : (TimeSpan?)null;
        var finished = counts.Succeeded + counts.Failed;
        var ratio = finished == 0 ? 0 : (double)counts.Failed / finished;

        var data = new Dictionary<string, object>
        {
            ["queue"] = name,
            ["ready"] = queue.Ready,
            ["delayed"] = queue.Delayed,
            ["running"] = queue.Running,
            ["dead"] = queue.Dead,
            ["liveWorkers"] = liveConsumers,
            ["succeededInWindow"] = counts.Succeeded,
            ["failedInWindow"] = counts.Failed,
            ["failureRatio"] = Math.Round(ratio, 4),
            ["failureWindowSeconds"] = HealthFormat.Seconds(options.FailureRatioWindow),
        };
        WorkerHealthEvaluator.AddIfKnown(data, "oldestReadyAgeSeconds", oldestAge is { } o ? HealthFormat.Seconds(o) : null);
        WorkerHealthEvaluator.AddIfKnown(data, "lastSucceededAt", queue.LastSucceededAt);
        WorkerHealthEvaluator.AddIfKnown(data, "lastSuccessAgeSeconds", lastSuccessAge is { } l ? HealthFormat.Seconds(l) : null);
        WorkerHealthEvaluator.AddProbe(data, probe, now);

        var depth = $"{HealthFormat.Count(queue.Ready)} ready" + (oldestAge is { } age ? $", oldest waiting {HealthFormat.Age(age)}" : string.Empty);
        var lastSuccess = lastSuccessAge is { } s ? $"last success {HealthFormat.Age(s)} ago" : "no success on record";
        var probeWaited = probe is { State: ProbeState.Missed } ? probe.PendingFor(now) : null;
        var probeText = probeWaited is { } w ? $"; its probe has waited {HealthFormat.Age(w)} (deadline {HealthFormat.Age(probe!.Deadline)})" : string.Empty;

        (HealthStatus, string) result;
        if (queue.Ready > 0 && liveConsumers == 0)
        {
            result = (HealthStatus.Unhealthy, $"queue '{name}' is not served: no live worker consumes it; {depth}{probeText}");
        }
        else if (probeWaited is not null)
        {
            // Served, only slowly: something completed since the probe was sent, or tasks are running right now.
            var completedSinceProbe = queue.LastSucceededAt is { } at && probe!.OutstandingSince is { } sent && at >= sent;
            result = completedSinceProbe || queue.Running > 0
                ? (HealthStatus.Degraded, $"queue '{name}' has a backlog: it is served but behind: {depth}; {queue.Running} running, {lastSuccess}{probeText}")
                : (HealthStatus.Unhealthy,
                    $"queue '{name}' is not served: nothing completed since its probe was sent{probeText}; {liveConsumers} live workers consume it; {depth}");
        }
        else if (oldestAge is { } waiting && waiting > options.OldestReadyDegradedAge)
        {
            var served = (lastSuccessAge is { } ls && ls <= options.ServedWithin) || queue.Running > 0;
            result = served || waiting <= options.ServedWithin
                ? (HealthStatus.Degraded, $"queue '{name}' has a backlog: {depth}; {queue.Running} running, {lastSuccess}")
                : (HealthStatus.Unhealthy,
                    $"queue '{name}' is not served: {depth} and nothing completed within {HealthFormat.Age(options.ServedWithin)}; {liveConsumers} live workers consume it");
        }
        else if (finished >= options.FailureRatioMinAttempts && ratio >= options.FailureRatioDegraded)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"queue '{name}' fails: {ratio * 100:0}% of {finished} attempts failed in the last {HealthFormat.Age(options.FailureRatioWindow)}");
            result = (ratio >= options.FailureRatioUnhealthy ? HealthStatus.Unhealthy : HealthStatus.Degraded, text);
        }
        else if (probe is { State: ProbeState.Failed })
        {
            result = (HealthStatus.Degraded, $"queue '{name}' consumed its probe but the probe task failed: {probe.LastError}");
        }
        else
        {
            var latency = probe?.LastLatency is { } p ? $", probe {HealthFormat.Age(p)}" : string.Empty;
            result = (HealthStatus.Healthy, $"queue '{name}': {depth}, {liveConsumers} live workers, {lastSuccess}{latency}");
        }

        return new ComponentHealth("queue:" + name, result.Item1, result.Item2, data);
    }
}

/// <summary>A queue's finished attempts in the failure-ratio window (probe tasks not counted).</summary>
/// <param name="Succeeded">Attempts that succeeded.</param>
/// <param name="Failed">Attempts that failed.</param>
internal readonly record struct QueueWindowCounts(long Succeeded, long Failed);
