using System.Text.Json;

namespace Vigil.AspNetCore.Dashboard.Api;

// The JSON shapes of the dashboard API (camelCase). Durations are in milliseconds and ages in seconds, so the page does
// no parsing of .NET TimeSpan text. These are internal: the API is for the dashboard page and scripts, not a .NET contract.

internal sealed record StorageDto(string Engine, string Location);

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

internal sealed record WorkerDto(
    string WorkerId,
    string Host,
    int ProcessId,
    IReadOnlyList<string> Queues,
    int Concurrency,
    string Status,
    bool Stale,
    DateTimeOffset StartedAt,
    DateTimeOffset HeartbeatAt,
    double HeartbeatAgeSeconds,
    DateTimeOffset LoopTickAt,
    double LoopTickAgeSeconds,
    int InFlight,
    long Processed,
    long Failed,
    double? CpuPercent,
    long? WorkingSetBytes,
    long? GcHeapBytes,
    long? ThreadPoolQueueLength,
    double? Throughput,
    string? Version,
    string? HealthUrl);

internal sealed record TotalsDto(long Ready, long Delayed, long Running, long Dead, int Workers, int StaleWorkers);

internal sealed record OverviewDto(DateTimeOffset Now, StorageDto Storage, TotalsDto Totals, IReadOnlyList<QueueDto> Queues, IReadOnlyList<WorkerDto> Workers);

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
    double? MaxWaitMs);

internal sealed record StatsDto(int Minutes, DateTimeOffset From, DateTimeOffset To, StatsPointDto Totals, IReadOnlyList<StatsPointDto> Series);

internal sealed record TaskErrorDto(string Type, string Message, string? StackTrace);

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

internal sealed record TaskPageDto(IReadOnlyList<TaskSummaryDto> Tasks, long Total, int Offset, int Limit);

internal sealed record AttemptDto(
    int Number,
    string WorkerId,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationMs,
    string? Outcome,
    TaskErrorDto? Error);

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

internal sealed record TaskActionDto(string Id, string Action, string? State);

internal sealed record EnqueuedDto(string Id);

internal sealed record AntiforgeryDto(string HeaderName, string Token);

internal sealed record DashboardConfigDto(
    string Title, bool ReadOnly, string? HealthUrl, string? MetricsUrl, int PollIntervalMs, string Version);
