namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds): one queue's statistics.</summary>
/// <param name="Queue">The queue.</param>
/// <param name="IsPrivate">Whether it is a worker's private queue (probes only).</param>
/// <param name="Totals">The sums over the window.</param>
/// <param name="Series">One point per minute, oldest first, minutes without activity included.</param>
internal sealed record QueueStatsDto(string Queue, bool IsPrivate, StatsPointDto Totals, IReadOnlyList<StatsPointDto> Series);
