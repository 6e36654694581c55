using Vigil.AspNetCore.Realtime;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <content>Task lists, with the sentinel's probe tasks left out unless asked for.</content>
internal sealed partial class DashboardData
{
    /// <summary>The most tasks one storage call returns (the contract's limit).</summary>
    private const int StoragePage = 1000;

    /// <summary>
    /// One page of tasks, newest first. Unless <paramref name="includeInternal"/> (or the query names the probe type or a
    /// private queue), probe tasks are left out of the page and of the total.
    /// </summary>
    /// <remarks>
    /// The storage cannot exclude a type, so this reads around the probes: the sentinel keeps at most two probe tasks per
    /// target, so they are few (<c>K</c>), and the first <c>offset + limit + K</c> matching tasks always hold the page. The
    /// cost grows with the offset only, as a storage <c>OFFSET</c> does anyway.
    /// </remarks>
    public async Task<TaskPage> ListTasksAsync(TaskQuery query, bool includeInternal, CancellationToken cancellationToken)
    {
        if (includeInternal || query.Type is not null || (query.Queue is { } queue && TaskNames.IsPrivateQueue(queue)))
        {
            return await storage.ListTasksAsync(query, cancellationToken).ConfigureAwait(false);
        }

        var probes = await storage.ListTasksAsync(
            query with { Type = TaskNames.ProbeTaskType, Offset = 0, Limit = StoragePage }, cancellationToken).ConfigureAwait(false);
        if (probes.Total == 0)
        {
            return await storage.ListTasksAsync(query, cancellationToken).ConfigureAwait(false);
        }

        var wanted = (long)query.Offset + query.Limit;
        var visible = new List<TaskRecord>((int)Math.Min(wanted, StoragePage));
        long total = 0;
        var size = (int)Math.Min(StoragePage, wanted + probes.Total);
        for (var offset = 0; visible.Count < wanted; offset += size, size = StoragePage)
        {
            var page = await storage.ListTasksAsync(query with { Offset = offset, Limit = size }, cancellationToken).ConfigureAwait(false);
            total = page.Total;
            visible.AddRange(page.Tasks.Where(static t => t.Type != TaskNames.ProbeTaskType));
            if (page.Tasks.Count < size)
            {
                break;
            }
        }

        // A probe sent between the two reads is counted in the total only: clamp rather than show a negative count.
        return new TaskPage([.. visible.Skip(query.Offset).Take(query.Limit)], Math.Max(visible.Count, total - probes.Total));
    }

    public static TaskSummaryDto ToSummary(TaskRecord task) => new(
        task.Id,
        task.Type,
        task.Queue,
        task.State.ToWireName(),
        task.Attempt,
        task.MaxAttempts,
        task.CreatedAt,
        task.DueAt,
        task.FinishedAt,
        task.LeaseOwner,
        task.CancelRequested,
        task.State is TaskState.Retrying or TaskState.Dead ? task.LastError?.Message : null);

    public static TaskDetailDto ToDetail(TaskRecord task) => new(
        task.Id,
        task.Type,
        task.Queue,
        task.State.ToWireName(),
        task.State.IsTerminal(),
        task.Attempt,
        task.MaxAttempts,
        task.Timeout?.TotalSeconds,
        task.CreatedAt,
        task.DueAt,
        task.FinishedAt,
        task.IdempotencyKey,
        task.LeaseOwner,
        task.LeaseExpiresAt,
        task.CancelRequested,
        task.TraceParent,
        JsonText.Parse(task.Payload),
        JsonText.Parse(task.Result),
        ToDto(task.LastError),
        task.Timeline.Select(static a => new AttemptDto(
            a.Number,
            a.WorkerId,
            a.StartedAt,
            a.EndedAt,
            a.EndedAt is { } end ? (end - a.StartedAt).TotalMilliseconds : null,
            a.Outcome,
            ToDto(a.Error))).ToList());

    private static TaskErrorDto? ToDto(TaskError? error) =>
        error is null ? null : new TaskErrorDto(error.Type, error.Message, error.StackTrace);
}
