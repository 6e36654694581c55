namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>A JSON shape of the dashboard API (camelCase; durations in milliseconds, ages in seconds): one probe target.</summary>
/// <param name="Target"><c>queue:{name}</c> or <c>worker:{id}</c>.</param>
/// <param name="Kind"><c>queue</c> or <c>worker</c>.</param>
/// <param name="Queue">The queue the probe goes through (a worker's private queue for a worker probe).</param>
/// <param name="WorkerId">The worker of a worker probe.</param>
/// <param name="State"><c>ok</c>, <c>pending</c>, <c>missed</c> or <c>failed</c>.</param>
/// <param name="Status">The probe's own health: <c>Healthy</c> or <c>Degraded</c>.</param>
/// <param name="Reason">Why, in one sentence (the same as in <c>/health</c>).</param>
/// <param name="DeadlineMs">How long a probe may wait before it is missed.</param>
/// <param name="LastLatencyMs">Enqueued → finished, of the last consumed probe.</param>
/// <param name="LastCompletedAt">When the last consumed probe finished.</param>
/// <param name="LastSucceededAt">When the last consumed probe finished, if it succeeded.</param>
/// <param name="PendingSeconds">How long the outstanding probe has waited, if one is outstanding.</param>
/// <param name="LastError">The last consumed probe's error, if it failed.</param>
/// <param name="OutstandingTaskId">The outstanding probe task.</param>
/// <param name="LastTaskId">The last consumed probe task.</param>
internal sealed record ProbeDto(
    string Target,
    string Kind,
    string Queue,
    string? WorkerId,
    string State,
    string Status,
    string Reason,
    double DeadlineMs,
    double? LastLatencyMs,
    DateTimeOffset? LastCompletedAt,
    DateTimeOffset? LastSucceededAt,
    double? PendingSeconds,
    string? LastError,
    string? OutstandingTaskId,
    string? LastTaskId);
