using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vigil.Probes;
using Vigil.Workers;

namespace Vigil.Health;

/// <summary>Judges one worker from its heartbeat record and its worker probe. Pure: the time is passed in.</summary>
internal static class WorkerHealthEvaluator
{
    /// <summary>Whether a worker counts as alive: its heartbeat is fresh enough and it has not stopped.</summary>
    /// <param name="worker">The worker's last heartbeat.</param>
    /// <param name="now">The time of the judgement.</param>
    /// <param name="options">The thresholds.</param>
    /// <returns>Whether it is live.</returns>
    public static bool IsLive(WorkerHeartbeat worker, DateTimeOffset now, VigilHealthOptions options) =>
        now - worker.HeartbeatAt <= options.HeartbeatUnhealthyAge && worker.Status != WorkerStatuses.Stopped;

    /// <summary>
    /// Judges the worker; <see langword="null"/> when it is left out of the report: it stopped (a clean exit removes its
    /// record; one whose removal failed is not a problem either) or it is gone for longer than
    /// <see cref="VigilHealthOptions.ForgetWorkerAfter"/>.
    /// </summary>
    /// <param name="worker">The worker's last heartbeat.</param>
    /// <param name="probe">Its worker probe, if any.</param>
    /// <param name="now">The time of the judgement.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="liveWorkers">
    /// The live workers, to judge a gone worker by whether its queues are still served; <see langword="null"/> when unknown
    /// (a gone worker is then degraded).
    /// </param>
    /// <param name="leasesStillHeld">How many running tasks still carry a gone worker's lease (not yet taken over).</param>
    /// <returns>The judgement, or <see langword="null"/>.</returns>
    public static ComponentHealth? Evaluate(
        WorkerHeartbeat worker, ProbeStatus? probe, DateTimeOffset now, VigilHealthOptions options,
        IReadOnlyCollection<WorkerHeartbeat>? liveWorkers = null, int leasesStillHeld = 0)
    {
        var heartbeatAge = now - worker.HeartbeatAt;
        if (heartbeatAge > options.ForgetWorkerAfter || worker.Status == WorkerStatuses.Stopped)
        {
            return null;
        }

        var tickAge = now - worker.LoopTickAt;
        var id = worker.WorkerId;
        var busy = worker.InFlight >= worker.Concurrency;
        var data = new Dictionary<string, object>
        {
            ["workerId"] = id,
            ["host"] = worker.Host,
            ["processId"] = worker.ProcessId,
            ["workerStatus"] = worker.Status,
            ["queues"] = worker.Queues,
            ["heartbeatAgeSeconds"] = HealthFormat.Seconds(heartbeatAge),
            ["loopTickAgeSeconds"] = HealthFormat.Seconds(tickAge),
            ["inFlight"] = worker.InFlight,
            ["concurrency"] = worker.Concurrency,
            ["processed"] = worker.Processed,
            ["failed"] = worker.Failed,
        };
        AddIfKnown(data, "cpuPercent", worker.CpuPercent is { } cpu ? Math.Round(cpu, 1) : null);
        AddIfKnown(data, "workingSetBytes", worker.WorkingSetBytes);
        AddIfKnown(data, "gcHeapBytes", worker.GcHeapBytes);
        AddIfKnown(data, "threadPoolQueueLength", worker.ThreadPoolQueueLength);
        AddIfKnown(data, "throughput", worker.Throughput is { } t ? Math.Round(t, 2) : null);
        AddIfKnown(data, "healthUrl", worker.HealthUrl);
        AddProbe(data, probe, now);

        if (heartbeatAge > options.HeartbeatUnhealthyAge)
        {
            var (goneStatus, goneDescription) = JudgeGone(worker, heartbeatAge, liveWorkers, leasesStillHeld, data);
            return new ComponentHealth("worker:" + id, goneStatus, goneDescription, data);
        }

        var (status, description) = Judge(worker, probe, heartbeatAge, tickAge, busy, now, options);
        return new ComponentHealth("worker:" + id, status, description, data);
    }

    /// <summary>
    /// A worker whose heartbeat stopped without a clean exit (killed, crashed, cut off). It is a problem only as far as it
    /// left work behind: unhealthy when one of its queues has no live consumer left, else degraded, saying what became of
    /// its leases, until <see cref="VigilHealthOptions.ForgetWorkerAfter"/> drops it from the report.
    /// </summary>
    private static (HealthStatus Status, string Description) JudgeGone(
        WorkerHeartbeat worker, TimeSpan heartbeatAge, IReadOnlyCollection<WorkerHeartbeat>? liveWorkers, int leasesStillHeld,
        Dictionary<string, object> data)
    {
        var id = worker.WorkerId;
        var vanished = string.Create(
            CultureInfo.InvariantCulture, $"worker {id} is gone: it vanished at {worker.HeartbeatAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (no heartbeat for {HealthFormat.Age(heartbeatAge)})");
        data["gone"] = true;
        data["vanishedAt"] = worker.HeartbeatAt;
        if (liveWorkers is null)
        {
            return (HealthStatus.Degraded, $"{vanished}; its leases are taken over by the living workers once they expire");
        }

        // The leases it held: those at its last heartbeat, or more if it claimed some after it.
        var leases = Math.Max(worker.InFlight, leasesStillHeld);
        var unserved = worker.Queues.Where(q => !liveWorkers.Any(w => w.Queues.Contains(q, StringComparer.Ordinal))).ToList();
        data["leases"] = leases;
        data["leasesTakenOver"] = leases - leasesStillHeld;
        data["leasesStillHeld"] = leasesStillHeld;
        data["unservedQueues"] = unserved;

        var taken = leases - leasesStillHeld;
        var leaseText = (leases, leasesStillHeld) switch
        {
            (0, _) => "it held no lease",
            (_, 0) => $"its {Plural(leases, "lease was", "leases were")} taken over",
            _ when unserved.Count > 0 && taken == 0 =>
                $"its {Plural(leases, "lease waits", "leases wait")} for a live worker to take {(leases == 1 ? "it" : "them")} over",
            _ when unserved.Count > 0 =>
                $"{leasesStillHeld} of its {leases} leases {(leasesStillHeld == 1 ? "waits" : "wait")} for a live worker to take {(leasesStillHeld == 1 ? "it" : "them")} over",
            _ => $"{taken} of its {Plural(leases, "lease", "leases")} taken over so far, {leasesStillHeld} more once {(leasesStillHeld == 1 ? "it expires" : "they expire")}",
        };
        if (unserved.Count > 0)
        {
            var queues = string.Join(", ", unserved.Select(q => $"'{q}'"));
            return (HealthStatus.Unhealthy,
                $"{vanished} and left {(unserved.Count == 1 ? "queue " : "queues ")}{queues} unserved: no live worker consumes {(unserved.Count == 1 ? "it" : "them")}; {leaseText}");
        }

        var peers = liveWorkers.Count(w => w.Queues.Intersect(worker.Queues, StringComparer.Ordinal).Any());
        return (HealthStatus.Degraded, $"{vanished}; {leaseText}; its queues are served by {Plural(peers, "live worker", "live workers")}");
    }

    private static string Plural(int count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}");

    private static (HealthStatus Status, string Description) Judge(
        WorkerHeartbeat worker, ProbeStatus? probe, TimeSpan heartbeatAge, TimeSpan tickAge, bool busy, DateTimeOffset now,
        VigilHealthOptions options)
    {
        var id = worker.WorkerId;
        var slots = $"{worker.InFlight}/{worker.Concurrency} slots in use";
        if (probe is { State: ProbeState.Missed } && probe.PendingFor(now) is { } waited)
        {
            return busy
                ? (HealthStatus.Degraded,
                    $"worker {id} is busy: {slots}; its probe has waited {HealthFormat.Age(waited)}; its loop last turned {HealthFormat.Age(tickAge)} ago")
                : (HealthStatus.Unhealthy,
                    $"worker {id} has not consumed its probe for {HealthFormat.Age(waited)}; its loop last turned {HealthFormat.Age(tickAge)} ago ({slots})");
        }

        if (tickAge > options.LoopTickUnhealthyAge)
        {
            return busy
                ? (HealthStatus.Degraded, $"worker {id} is busy: {slots}; its loop last turned {HealthFormat.Age(tickAge)} ago")
                : (HealthStatus.Unhealthy,
                    $"worker {id} is not consuming: its loop last turned {HealthFormat.Age(tickAge)} ago, though its heartbeat is {HealthFormat.Age(heartbeatAge)} old ({slots})");
        }

        if (worker.Status == WorkerStatuses.Draining)
        {
            return (HealthStatus.Degraded, $"worker {id} is draining: it finishes its {worker.InFlight} running tasks and exits to be replaced");
        }

        if (heartbeatAge > options.HeartbeatDegradedAge)
        {
            return (HealthStatus.Degraded, $"worker {id} is late: its last heartbeat was {HealthFormat.Age(heartbeatAge)} ago");
        }

        if (tickAge > options.LoopTickDegradedAge)
        {
            return (HealthStatus.Degraded, $"worker {id} is slow: its loop last turned {HealthFormat.Age(tickAge)} ago ({slots})");
        }

        var probeText = probe?.LastLatency is { } latency ? $", probe {HealthFormat.Age(latency)}" : string.Empty;
        return (HealthStatus.Healthy,
            $"worker {id}: loop turned {HealthFormat.Age(tickAge)} ago, {slots}, {worker.Processed} processed{probeText}");
    }

    internal static void AddProbe(Dictionary<string, object> data, ProbeStatus? probe, DateTimeOffset now)
    {
        if (probe is null)
        {
            return;
        }

        data["probeState"] = probe.State.ToString().ToLowerInvariant();
        AddIfKnown(data, "probeLatencySeconds", probe.LastLatency is { } latency ? HealthFormat.Seconds(latency) : null);
        AddIfKnown(data, "probePendingSeconds", probe.PendingFor(now) is { } pending ? HealthFormat.Seconds(pending) : null);
    }

    internal static void AddIfKnown(Dictionary<string, object> data, string key, object? value)
    {
        if (value is not null)
        {
            data[key] = value;
        }
    }
}
