using System.Text.Json;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record TaskDetailDto(
    string Id,
    string Type,
    string Queue,
    string State,
    bool Terminal,
    int Attempt,
    int MaxAttempts,
    double? TimeoutSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? FinishedAt,
    string? IdempotencyKey,
    string? LeaseOwner,
    DateTimeOffset? LeaseExpiresAt,
    bool CancelRequested,
    string? TraceParent,
    JsonElement? Payload,
    JsonElement? Result,
    TaskErrorDto? LastError,
    IReadOnlyList<AttemptDto> Timeline);
