using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Health;
using Vigil.Workers;

namespace Vigil.Resources;

/// <summary>
/// Watches this process's worker against <see cref="ResourceLimitOptions"/> and asks it to recycle
/// (<see cref="VigilExitCodes.Recycle"/>) once a limit is passed.
/// </summary>
internal sealed class ResourceLimitMonitor : BackgroundService
{
    private readonly IOptionsMonitor<ResourceLimitOptions> _options;
    private readonly IWorkerResourceSampler _sampler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IVigilWorker? _worker;

    public ResourceLimitMonitor(
        IOptionsMonitor<ResourceLimitOptions> options, IWorkerResourceSampler sampler, TimeProvider timeProvider,
        ILogger<ResourceLimitMonitor> logger, IVigilWorker? worker = null)
    {
        _options = options;
        _sampler = sampler;
        _timeProvider = timeProvider;
        _logger = logger;
        _worker = worker;
    }

    /// <summary>Checks once; returns the reason a recycle was asked, or <see langword="null"/>.</summary>
    public string? Check()
    {
        var options = _options.CurrentValue;
        if (_worker is null || _worker.RecycleRequested)
        {
            return null;
        }

        string? reason = null;
        if (options.MaxTasks is { } maxTasks && _worker.Processed >= maxTasks)
        {
            reason = $"it finished {_worker.Processed} attempts, the limit is {maxTasks}";
        }
        else if (options.MaxWorkingSetBytes is { } ceiling && _sampler.Sample().WorkingSetBytes is { } workingSet && workingSet > ceiling)
        {
            reason = $"its working set {HealthFormat.Bytes(workingSet)} is over the ceiling of {HealthFormat.Bytes(ceiling)}";
        }

        if (reason is not null)
        {
            Log.Recycling(_logger, _worker.WorkerId, reason, VigilExitCodes.Recycle);
            _worker.RequestRecycle(reason, VigilExitCodes.Recycle);
        }

        return reason;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _options.CurrentValue;
        if (_worker is null || (options.MaxTasks is null && options.MaxWorkingSetBytes is null))
        {
            return;
        }

        Log.Limits(
            _logger, _worker.WorkerId,
            options.MaxWorkingSetBytes is { } m ? HealthFormat.Bytes(m) : "none",
            options.MaxTasks?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        try
        {
            while (!stoppingToken.IsCancellationRequested && Check() is null)
            {
                await Task.Delay(_options.CurrentValue.CheckInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
