namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record StatsDto(int Minutes, DateTimeOffset From, DateTimeOffset To, bool IncludesInternal, StatsPointDto Totals, IReadOnlyList<StatsPointDto> Series);
