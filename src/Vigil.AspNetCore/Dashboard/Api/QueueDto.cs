namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record QueueDto(
    string Name,
    bool IsPrivate,
    long Ready,
    long Delayed,
    long Running,
    long Dead,
    DateTimeOffset? OldestReadySince,
    double? OldestReadyAgeSeconds,
    DateTimeOffset? LastSucceededAt,
    double? LastSuccessAgeSeconds);
