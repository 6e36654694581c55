using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Vigil.Workers;

namespace Vigil.Health;

/// <summary>
/// <c>/health/live</c>: this process's consume loop is turning. Unhealthy when the loop of the worker in this process last
/// turned longer ago than <see cref="VigilHealthOptions.LoopTickUnhealthyAge"/> — the signal for a
/// container orchestrator to restart a zombie. A process without a worker is live.
/// </summary>
internal sealed class ProcessHealthCheck : IHealthCheck
{
    private readonly IOptionsMonitor<VigilHealthOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly IVigilWorker? _worker;

    public ProcessHealthCheck(IOptionsMonitor<VigilHealthOptions> options, TimeProvider timeProvider, IVigilWorker? worker = null)
    {
        _options = options;
        _timeProvider = timeProvider;
        _worker = worker;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_worker is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("this process runs no worker"));
        }

        var options = _options.CurrentValue;
        var tickAge = _timeProvider.GetUtcNow() - _worker.LastLoopTick;
        var data = new Dictionary<string, object>
        {
            ["workerId"] = _worker.WorkerId,
            ["workerStatus"] = _worker.Status,
            ["loopTickAgeSeconds"] = HealthFormat.Seconds(tickAge),
            ["inFlight"] = _worker.InFlight,
            ["processed"] = _worker.Processed,
            ["failed"] = _worker.Failed,
        };

        HealthCheckResult result;
        if (_worker.Status is WorkerStatuses.Starting or WorkerStatuses.Stopped)
        {
            result = HealthCheckResult.Healthy($"worker {_worker.WorkerId} is {_worker.Status}", data);
        }
        else if (tickAge > options.LoopTickUnhealthyAge)
        {
            result = HealthCheckResult.Unhealthy(
                $"worker {_worker.WorkerId} is not consuming: its loop last turned {HealthFormat.Age(tickAge)} ago ({_worker.InFlight} tasks in flight)",
                data: data);
        }
        else if (tickAge > options.LoopTickDegradedAge)
        {
            result = HealthCheckResult.Degraded($"worker {_worker.WorkerId} is slow: its loop last turned {HealthFormat.Age(tickAge)} ago", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"worker {_worker.WorkerId} is {_worker.Status}: its loop turned {HealthFormat.Age(tickAge)} ago", data);
        }

        return Task.FromResult(result);
    }
}
