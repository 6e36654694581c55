namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds): every queue's statistics.</summary>
/// <param name="Minutes">The window, in minutes.</param>
/// <param name="From">The first minute.</param>
/// <param name="To">The end of the last minute.</param>
/// <param name="IncludesInternal">Whether probe tasks (<c>vigil.probe</c>) and private queues are counted.</param>
/// <param name="Queues">One entry per queue with activity in the window, by name.</param>
internal sealed record QueueStatsPageDto(int Minutes, DateTimeOffset From, DateTimeOffset To, bool IncludesInternal, IReadOnlyList<QueueStatsDto> Queues);
