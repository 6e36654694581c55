using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Recovery;

/// <summary>
/// The recovery ladder in a worker process: every <see cref="RecoveryOptions.CheckInterval"/> it asks whether this
/// process's worker is stuck (its loop stale, or its worker probe missed while it had a free slot) and takes the step
/// <see cref="RecoveryLadder"/> decides, logging each with its reason.
/// </summary>
internal sealed class WorkerWatchdog : BackgroundService
{
    private readonly IVigilStorage _storage;
    private readonly IOptionsMonitor<RecoveryOptions> _options;
    private readonly IOptionsMonitor<VigilOptions> _vigilOptions;
    private readonly IOptionsMonitor<SentinelOptions> _sentinelOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IVigilWorker? _worker;
    private readonly RecoveryLadder _ladder = new();

    public WorkerWatchdog(
        IVigilStorage storage, IOptionsMonitor<RecoveryOptions> options, IOptionsMonitor<VigilOptions> vigilOptions,
        IOptionsMonitor<SentinelOptions> sentinelOptions, TimeProvider timeProvider, ILogger<WorkerWatchdog> logger,
        IVigilWorker? worker = null)
    {
        _storage = storage;
        _options = options;
        _vigilOptions = vigilOptions;
        _sentinelOptions = sentinelOptions;
        _timeProvider = timeProvider;
        _logger = logger;
        _worker = worker;
    }

    /// <summary>The ladder's current step, for tests.</summary>
    internal RecoveryStep CurrentStep => _ladder.Current;

    /// <summary>Looks once and takes the step due. The loop calls it; tests call it directly.</summary>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The step taken.</returns>
    public async Task<RecoveryStep> CheckAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (_worker is null || !options.Enabled || _worker.RecycleRequested || _worker.Status != WorkerStatuses.Running)
        {
            return RecoveryStep.None;
        }

        var reason = await StuckReasonAsync(_worker, options, cancellationToken).ConfigureAwait(false);
        var step = _ladder.Observe(reason is not null, _timeProvider.GetUtcNow(), options.StepTimeout);
        try
        {
            switch (step)
            {
                case RecoveryStep.ResetConnection:
                    Log.ResettingConnection(_logger, _worker.WorkerId, reason!);
                    await _storage.ResetConnectionAsync(cancellationToken)
                        .WaitAsync(options.StepTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                    break;
                case RecoveryStep.RestartLoops:
                    Log.RestartingLoops(_logger, _worker.WorkerId, options.StepTimeout, reason!);
                    await _worker.RestartConsumeLoopsAsync(reason!, cancellationToken)
                        .WaitAsync(options.StepTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                    break;
                case RecoveryStep.Recycle:
                    Log.Recycling(_logger, _worker.WorkerId, VigilExitCodes.Unresponsive, options.StepTimeout, reason!);
                    _worker.RequestRecycle($"unresponsive: {reason}", VigilExitCodes.Unresponsive);
                    break;
                case RecoveryStep.Recovered:
                    Log.Recovered(_logger, _worker.WorkerId);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A step that fails or hangs is a step that did not help: the next one comes after the step timeout.
            Log.StepFailed(_logger, _worker.WorkerId, ex.Message, ex);
        }

        return step;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_worker is null)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(_options.CurrentValue.CheckInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Why the worker is stuck, or <see langword="null"/> when it is not.</summary>
    private async Task<string?> StuckReasonAsync(IVigilWorker worker, RecoveryOptions options, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var tickAge = now - worker.LastLoopTick;
        if (tickAge > options.LoopStaleAfter)
        {
            return $"its consume loop last turned {HealthFormat.Age(tickAge)} ago (limit {HealthFormat.Age(options.LoopStaleAfter)})";
        }

        if (!options.WatchWorkerProbe || worker.InFlight >= _vigilOptions.CurrentValue.Concurrency)
        {
            // A worker whose slots are all taken cannot claim its probe; that is busy, not stuck.
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StepTimeout);
        try
        {
            var page = await _storage.ListTasksAsync(
                new TaskQuery { Queue = worker.PrivateQueue, Type = ProbePayload.TaskType, Limit = 10 }, timeout.Token)
                .AsTask().WaitAsync(options.StepTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            foreach (var probe in page.Tasks)
            {
                var deadline = ProbePayload.ReadDeadline(probe.Payload, _sentinelOptions.CurrentValue.Deadline);
                if (probe.State == TaskState.Queued && now - probe.CreatedAt > deadline)
                {
                    return $"its probe has waited {HealthFormat.Age(now - probe.CreatedAt)} in its private queue (deadline {HealthFormat.Age(deadline)}) though it had a free slot";
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Storage trouble is the storage's own watchdog's business; the ladder acts on what it can prove.
            Log.ProbeReadFailed(_logger, worker.WorkerId, ex.Message);
        }

        return null;
    }
}
