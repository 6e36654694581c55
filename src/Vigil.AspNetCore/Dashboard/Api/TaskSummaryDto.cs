namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record TaskSummaryDto(
    string Id,
    string Type,
    string Queue,
    string State,
    int Attempt,
    int MaxAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? FinishedAt,
    string? LeaseOwner,
    bool CancelRequested,
    string? Error);
