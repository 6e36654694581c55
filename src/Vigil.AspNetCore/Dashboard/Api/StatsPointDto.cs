namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record StatsPointDto(
    DateTimeOffset Minute,
    long Enqueued,
    long Succeeded,
    long Failed,
    long Retried,
    long TimedOut,
    long Dead,
    double? AvgRunMs,
    double? MaxRunMs,
    double? AvgWaitMs,
    double? MaxWaitMs,
    long RunCount,
    long WaitCount);
