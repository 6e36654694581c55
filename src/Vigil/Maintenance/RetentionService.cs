using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Hosting;
using Vigil.Storage;

namespace Vigil.Maintenance;

/// <summary>
/// Removes what is past retention every <see cref="VigilOptions.MaintenanceInterval"/>. Every Vigil process runs it, but
/// only the holder of the storage lock <c>maintenance</c> sweeps, so processes sharing a storage do not all purge at once.
/// </summary>
internal sealed partial class RetentionService : IHostedService, IDisposable
{
    /// <summary>The storage lock that elects the sweeping process.</summary>
    public const string LockName = "maintenance";

    private readonly IServiceProvider _services;
    private readonly VigilOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _owner = "maintenance-" + Environment.ProcessId + "-" + Random.Shared.NextInt64(0x1_0000_0000).ToString("x8", CultureInfo.InvariantCulture);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public RetentionService(IServiceProvider services, IOptions<VigilOptions> options, TimeProvider timeProvider, ILogger<RetentionService> logger)
    {
        _services = services;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = VigilServices.RequireStorage(_services);
        _loop = Task.Run(() => LoopAsync(storage, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>One sweep, if this process holds the lock. Returns the tasks removed, or null when another process holds it.</summary>
    internal async Task<long?> SweepOnceAsync(IVigilStorage storage, CancellationToken cancellationToken)
    {
        // Held for two intervals, so a holder that sweeps on time keeps it, and one that vanished loses it soon.
        if (!await storage.TryAcquireLockAsync(LockName, _owner, _options.MaintenanceInterval * 2, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        var removed = await storage.PurgeAsync(
            now - _options.SucceededRetention, now - _options.DeadRetention, now - _options.StatisticsRetention, cancellationToken).ConfigureAwait(false);
        Log.Swept(_logger, removed);
        return removed;
    }

    private async Task LoopAsync(IVigilStorage storage, CancellationToken token)
    {
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.MaintenanceInterval, _timeProvider, token).ConfigureAwait(false);
                await SweepOnceAsync(storage, token).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Retention can wait for the next interval; the loop must not die with one failed sweep.
                failures++;
                if (failures == 1)
                {
                    Log.SweepFailed(_logger, ex);
                }
            }
        }

        try
        {
            await storage.ReleaseLockAsync(LockName, _owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lock expires on its own.
            Log.SweepFailed(_logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Retention sweep removed {Removed} task(s)")]
        public static partial void Swept(ILogger logger, long removed);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Retention sweep failed; trying again next interval")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
