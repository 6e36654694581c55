namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record DashboardConfigDto(
    string Title,
    bool ReadOnly,
    string? HealthUrl,
    string? MetricsUrl,
    int PollIntervalMs,
    string Version,
    IReadOnlyList<string> TaskTypes,
    string DefaultQueue,
    int DefaultMaxAttempts,
    double DefaultTimeoutSeconds);
