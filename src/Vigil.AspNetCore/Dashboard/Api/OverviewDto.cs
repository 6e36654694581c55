namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds).</summary>
internal sealed record OverviewDto(
    DateTimeOffset Now, StorageDto Storage, TotalsDto Totals, IReadOnlyList<QueueDto> Queues, IReadOnlyList<WorkerDto> Workers, IReadOnlyList<ProbeDto> Probes);
