using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Probes;

/// <summary>
/// Derives every probe target's state from the probe tasks in the storage, so that any process (not only the one that
/// runs the sentinel) reports the same probe states. The sentinel keeps at most two probe tasks per target: the
/// outstanding one and the last consumed one.
/// </summary>
internal static class ProbeStatusReader
{
    /// <summary>The most probe tasks read: enough for the two per target of a large deployment.</summary>
    public const int MaxProbeTasks = 1000;

    public static async ValueTask<IReadOnlyList<ProbeStatus>> ReadAsync(
        IVigilStorage storage, DateTimeOffset now, TimeSpan fallbackDeadline, CancellationToken cancellationToken)
    {
        var page = await storage.ListTasksAsync(
            new TaskQuery { Type = ProbePayload.TaskType, Limit = MaxProbeTasks }, cancellationToken).ConfigureAwait(false);
        return Derive(page.Tasks, now, fallbackDeadline);
    }

    /// <summary>Groups probe tasks by queue and judges each target.</summary>
    /// <param name="tasks">Probe tasks, newest first.</param>
    /// <param name="now">The time of the judgement.</param>
    /// <param name="fallbackDeadline">The deadline of a probe whose payload names none.</param>
    /// <returns>One status per target, ordered by target.</returns>
    public static IReadOnlyList<ProbeStatus> Derive(IReadOnlyList<TaskRecord> tasks, DateTimeOffset now, TimeSpan fallbackDeadline)
    {
        var result = new List<ProbeStatus>();
        foreach (var group in tasks.GroupBy(t => t.Queue, StringComparer.Ordinal))
        {
            // Newest first: the first non-terminal one is the outstanding probe, the first terminal one the last consumed.
            var ordered = group.OrderByDescending(t => t.CreatedAt).ToList();
            var outstanding = ordered.FirstOrDefault(t => !t.State.IsTerminal());
            var finished = ordered.FirstOrDefault(t => t.State is TaskState.Succeeded or TaskState.Dead);
            if (outstanding is null && finished is null)
            {
                continue;
            }

            var deadline = ProbePayload.ReadDeadline((outstanding ?? finished)!.Payload, fallbackDeadline);
            var obsolete = ordered
                .Where(t => t.State.IsTerminal() && !ReferenceEquals(t, finished))
                .Select(t => t.Id)
                .ToList();
            result.Add(Judge(group.Key, outstanding, finished, deadline, now) with { ObsoleteTaskIds = obsolete });
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Target, b.Target));
        return result;
    }

    /// <summary>Judges one target from its outstanding and its last consumed probe.</summary>
    public static ProbeStatus Judge(string queue, TaskRecord? outstanding, TaskRecord? finished, TimeSpan deadline, DateTimeOffset now)
    {
        var isWorker = TaskNames.IsPrivateQueue(queue);
        var workerId = isWorker ? queue[TaskNames.PrivateQueuePrefix.Length..] : null;
        var outstandingSince = outstanding?.CreatedAt;
        var state = outstandingSince is { } since && now - since > deadline
            ? ProbeState.Missed
            : finished switch
            {
                { State: TaskState.Dead } => ProbeState.Failed,
                { State: TaskState.Succeeded } => ProbeState.Ok,
                _ => ProbeState.Pending,
            };

        return new ProbeStatus
        {
            Target = isWorker ? ProbeStatus.WorkerTarget(workerId!) : ProbeStatus.QueueTarget(queue),
            Kind = isWorker ? "worker" : "queue",
            Queue = queue,
            WorkerId = workerId,
            State = state,
            Deadline = deadline,
            OutstandingSince = outstandingSince,
            OutstandingTaskId = outstanding?.Id,
            LastLatency = finished?.FinishedAt is { } at ? at - finished.CreatedAt : null,
            LastCompletedAt = finished?.FinishedAt,
            LastError = finished?.State == TaskState.Dead ? finished.LastError?.Message ?? "dead" : null,
            LastTaskId = finished?.Id,
            LastSentAt = finished?.CreatedAt,
        };
    }
}
