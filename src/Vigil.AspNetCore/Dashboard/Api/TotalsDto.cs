namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record TotalsDto(long Ready, long Delayed, long Running, long Dead, int Workers, int StaleWorkers);
