using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

namespace Vigil.Alerts;

/// <summary>Posts alerts as JSON to the configured webhook. Never throws for a failed post: it is logged, not retried.</summary>
internal sealed class WebhookPoster : IDisposable
{
    private readonly ILogger _logger;

    // One long-lived client whose pooled connections are renewed, so DNS changes of the webhook's host are seen.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

    public WebhookPoster(ILogger logger) => _logger = logger;

    public void Dispose() => _http.Dispose();

    /// <summary>Posts one alert, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="url">The webhook.</param>
    /// <param name="alert">The alert.</param>
    /// <param name="timeout">The longest wait for an answer.</param>
    /// <param name="cancellationToken">Cancels the post (stopping).</param>
    /// <returns>A task that completes when the post was answered, failed or timed out.</returns>
    public async Task PostAsync(Uri url, VigilAlert alert, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _http.PostAsJsonAsync(url, alert, AlertJsonContext.Default.VigilAlert, cts.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                Log.WebhookSent(_logger, url, (int)response.StatusCode, alert.Component);
            }
            else
            {
                Log.WebhookFailed(_logger, url, alert.Component, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.WebhookFailed(_logger, url, alert.Component, $"no answer within {timeout}");
        }
        catch (HttpRequestException ex)
        {
            Log.WebhookFailed(_logger, url, alert.Component, ex.Message);
        }
    }
}
