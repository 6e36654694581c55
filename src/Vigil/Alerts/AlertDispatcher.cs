using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Realtime;
using Vigil.Storage;

namespace Vigil.Alerts;

/// <summary>
/// Announces state changes that <see cref="AlertThrottle"/> lets through: a structured log event (error for unhealthy,
/// warning for degraded, information for a recovery), an <c>alert</c> event on the storage's feed, and a JSON POST to the
/// webhook when one is configured. Never throws: a failed webhook or feed is logged and the alert is not retried (the next
/// change is announced anyway).
/// </summary>
internal sealed class AlertDispatcher : IDisposable
{
    private readonly IOptionsMonitor<AlertOptions> _options;
    private readonly IVigilStorage _storage;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private WebhookPoster? _webhook;
    private readonly AlertThrottle _throttle = new();

    public AlertDispatcher(IOptionsMonitor<AlertOptions> options, IVigilStorage storage, TimeProvider timeProvider, ILogger<AlertDispatcher> logger)
    {
        _options = options;
        _storage = storage;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Observes the current states and announces the changes due.</summary>
    /// <param name="observed">Every component's status and reason.</param>
    /// <param name="source">Who announces (the sentinel's owner id).</param>
    /// <param name="cancellationToken">Cancels the announcements.</param>
    /// <param name="complete">Whether <paramref name="observed"/> holds every component (see <see cref="AlertThrottle.Observe"/>).</param>
    /// <returns>The alerts announced.</returns>
    public async Task<IReadOnlyList<VigilAlert>> ObserveAsync(
        IReadOnlyCollection<(string Component, HealthStatus Status, string Description)> observed, string source,
        CancellationToken cancellationToken, bool complete = true)
    {
        var options = _options.CurrentValue;
        var now = _timeProvider.GetUtcNow();
        var decisions = _throttle.Observe(observed, now, options.Cooldown, options.ConfirmAfter, complete);
        var alerts = new List<VigilAlert>(decisions.Count);
        foreach (var decision in decisions)
        {
            var alert = new VigilAlert
            {
                Kind = decision.IsRecovery ? "recovery" : "alert",
                Component = decision.Component,
                Status = Name(decision.Status),
                PreviousStatus = Name(decision.Previous),
                Description = decision.Description,
                At = now,
                Source = source,
            };
            alerts.Add(alert);
            LogAlert(alert, decision.Status);
            await PublishAsync(alert, cancellationToken).ConfigureAwait(false);
            if (options.WebhookUrl is { } url)
            {
                await Webhook().PostAsync(url, alert, options.WebhookTimeout, cancellationToken).ConfigureAwait(false);
            }
        }

        return alerts;
    }

    /// <summary>Forgets what was announced (this process lost the sentinel lock).</summary>
    public void Reset() => _throttle.Reset();

    public void Dispose() => _webhook?.Dispose();

    /// <summary>
    /// The webhook's client, made on the first post: a process without a webhook never loads the HTTP stack (about 1 MB of
    /// resident memory in every worker).
    /// </summary>
    private WebhookPoster Webhook()
    {
        if (Volatile.Read(ref _webhook) is { } existing)
        {
            return existing;
        }

        var made = new WebhookPoster(_logger);
        if (Interlocked.CompareExchange(ref _webhook, made, null) is { } raced)
        {
            made.Dispose();
            return raced;
        }

        return made;
    }

    internal static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    private void LogAlert(VigilAlert alert, HealthStatus status)
    {
        switch (status)
        {
            case HealthStatus.Healthy:
                Log.Recovered(_logger, alert.Component, alert.Status, alert.PreviousStatus, alert.Description);
                break;
            case HealthStatus.Degraded:
                Log.AlertDegraded(_logger, alert.Component, alert.Status, alert.PreviousStatus, alert.Description);
                break;
            default:
                Log.AlertUnhealthy(_logger, alert.Component, alert.Status, alert.PreviousStatus, alert.Description);
                break;
        }
    }

    private async Task PublishAsync(VigilAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            await _storage.PublishEventAsync(
                new VigilEvent { Kind = "alert", Data = JsonSerializer.Serialize(alert, AlertJsonContext.Default.VigilAlert), At = alert.At },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // An alert that cannot reach the feed is logged; the log line above already carries it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PublishFailed(_logger, alert.Component, ex.Message);
        }
    }
}
