using Microsoft.Extensions.Logging;

namespace Vigil.Alerts;

internal static partial class Log
{
    [LoggerMessage(4200, LogLevel.Error, "Vigil alert: {Component} is {Status} (was {PreviousStatus}): {Description}")]
    public static partial void AlertUnhealthy(ILogger logger, string component, string status, string previousStatus, string description);

    [LoggerMessage(4201, LogLevel.Warning, "Vigil alert: {Component} is {Status} (was {PreviousStatus}): {Description}")]
    public static partial void AlertDegraded(ILogger logger, string component, string status, string previousStatus, string description);

    [LoggerMessage(4202, LogLevel.Information, "Vigil recovery: {Component} is {Status} again (was {PreviousStatus}): {Description}")]
    public static partial void Recovered(ILogger logger, string component, string status, string previousStatus, string description);

    [LoggerMessage(4203, LogLevel.Warning, "Vigil alert webhook {WebhookUrl} failed for {Component}: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, Uri webhookUrl, string component, string reason);

    [LoggerMessage(4204, LogLevel.Debug, "Vigil alert webhook {WebhookUrl} answered {StatusCode} for {Component}")]
    public static partial void WebhookSent(ILogger logger, Uri webhookUrl, int statusCode, string component);

    [LoggerMessage(4205, LogLevel.Warning, "Vigil alert for {Component} could not be published on the event feed: {Reason}")]
    public static partial void PublishFailed(ILogger logger, string component, string reason);
}
