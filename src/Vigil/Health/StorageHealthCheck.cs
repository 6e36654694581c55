using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Vigil.Storage;

namespace Vigil.Health;

/// <summary>
/// <c>/health/ready</c>: the storage answers a write-then-read round trip of a unique key within
/// <see cref="VigilHealthOptions.StorageTimeout"/>. Slower than <see cref="VigilHealthOptions.StorageDegradedLatency"/> is
/// degraded; an error or no answer in time is unhealthy. Never throws.
/// </summary>
internal sealed class StorageHealthCheck : IHealthCheck
{
    private readonly IVigilStorage _storage;
    private readonly IOptionsMonitor<VigilHealthOptions> _options;
    private readonly TimeProvider _timeProvider;

    public StorageHealthCheck(IVigilStorage storage, IOptionsMonitor<VigilHealthOptions> options, TimeProvider timeProvider)
    {
        _storage = storage;
        _options = options;
        _timeProvider = timeProvider;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        var data = new Dictionary<string, object>
        {
            ["engine"] = _storage.EngineName,
            ["location"] = _storage.Location,
            ["timeoutSeconds"] = HealthFormat.Seconds(options.StorageTimeout),
        };
        var where = $"{_storage.EngineName} at {_storage.Location}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StorageTimeout);
        try
        {
            // WaitAsync as well as the token: an engine stuck on a half-open socket may not honour cancellation.
            var latency = await _storage.ProbeAsync(timeout.Token).AsTask()
                .WaitAsync(options.StorageTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            data["latencyMs"] = Math.Round(latency.TotalMilliseconds, 3);
            return latency > options.StorageDegradedLatency
                ? HealthCheckResult.Degraded($"the storage ({where}) is slow: its round trip took {HealthFormat.Age(latency)}", data: data)
                : HealthCheckResult.Healthy($"the storage ({where}) answered a write-then-read in {HealthFormat.Age(latency)}", data);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the storage ({where}) did not answer within {HealthFormat.Age(options.StorageTimeout)}", data: data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A health check reports every failure as a result, never throws (house rule).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"the storage ({where}) failed its round trip: {ex.Message}", ex, data);
        }
    }
}
