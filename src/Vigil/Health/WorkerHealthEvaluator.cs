using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vigil.Probes;
using Vigil.Workers;

namespace Vigil.Health;

/// <summary>Judges one worker from its heartbeat record and its worker probe. Pure: the time is passed in.</summary>
internal static class WorkerHealthEvaluator
{
    /// <summary>Whether a worker counts as alive: its heartbeat is fresh enough and it has not stopped.</summary>
    public static bool IsLive(WorkerHeartbeat worker, DateTimeOffset now, VigilHealthOptions options) =>
        now - worker.HeartbeatAt <= options.HeartbeatUnhealthyAge && worker.Status != WorkerStatuses.Stopped;

    /// <summary>Judges the worker; <see langword="null"/> when it is gone for so long that it is left out.</summary>
    public static ComponentHealth? Evaluate(WorkerHeartbeat worker, ProbeStatus? probe, DateTimeOffset now, VigilHealthOptions options)
    {
        var heartbeatAge = now - worker.HeartbeatAt;
        if (heartbeatAge > options.ForgetWorkerAfter)
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

        var (status, description) = Judge(worker, probe, heartbeatAge, tickAge, busy, now, options);
        return new ComponentHealth("worker:" + id, status, description, data);
    }

    private static (HealthStatus Status, string Description) Judge(
        WorkerHeartbeat worker, ProbeStatus? probe, TimeSpan heartbeatAge, TimeSpan tickAge, bool busy, DateTimeOffset now,
        VigilHealthOptions options)
    {
        var id = worker.WorkerId;
        if (worker.Status == WorkerStatuses.Stopped)
        {
            return (HealthStatus.Healthy, $"worker {id} has stopped");
        }

        if (heartbeatAge > options.HeartbeatUnhealthyAge)
        {
            return (HealthStatus.Degraded,
                $"worker {id} is gone: its last heartbeat was {HealthFormat.Age(heartbeatAge)} ago; its leases are taken over by the living workers");
        }

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
