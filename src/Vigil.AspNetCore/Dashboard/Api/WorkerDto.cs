namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record WorkerDto(
    string WorkerId,
    string Host,
    int ProcessId,
    IReadOnlyList<string> Queues,
    int Concurrency,
    string Status,
    bool Stale,
    bool Gone,
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
