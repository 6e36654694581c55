namespace Vigil.Tasks;

/// <summary>The persisted state of a task. See DESIGN.md, "Task lifecycle".</summary>
/// <remarks>
/// scheduled → queued → running → succeeded | retrying | dead | cancelled; retrying → running again when
/// its retry time comes. Succeeded, dead and cancelled are terminal (a dead or cancelled task may be
/// retried by hand, which makes it queued again).
/// </remarks>
public enum TaskState
{
    /// <summary>Enqueued with a delay or a scheduled time that has not come yet.</summary>
    Scheduled = 0,

    /// <summary>Ready to run: waiting for a worker of its queue.</summary>
    Queued = 1,

    /// <summary>Claimed by a worker under a lease that the worker renews while the handler runs.</summary>
    Running = 2,

    /// <summary>The handler completed. Terminal.</summary>
    Succeeded = 3,

    /// <summary>An attempt failed; the task waits for its retry time (backoff) before it runs again.</summary>
    Retrying = 4,

    /// <summary>No attempt left, or the failure cannot be retried (unknown type, bad payload). Terminal; keeps its error.</summary>
    Dead = 5,

    /// <summary>Cancelled before it completed. Terminal.</summary>
    Cancelled = 6,
}

/// <summary>Helpers over <see cref="TaskState"/>.</summary>
public static class TaskStateExtensions
{
    /// <summary>Whether a task in <paramref name="state"/> will not run again unless retried by hand.</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for succeeded, dead and cancelled.</returns>
    public static bool IsTerminal(this TaskState state) =>
        state is TaskState.Succeeded or TaskState.Dead or TaskState.Cancelled;

    /// <summary>The lower-case name used in storage, URLs, the CLI and JSON (<c>queued</c>, <c>dead</c>...).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The wire name.</returns>
    public static string ToWireName(this TaskState state) => state switch
    {
        TaskState.Scheduled => "scheduled",
        TaskState.Queued => "queued",
        TaskState.Running => "running",
        TaskState.Succeeded => "succeeded",
        TaskState.Retrying => "retrying",
        TaskState.Dead => "dead",
        TaskState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown task state."),
    };

    /// <summary>Parses a wire name (case-insensitive).</summary>
    /// <param name="value">The text, such as <c>dead</c>.</param>
    /// <param name="state">The state when the text names one.</param>
    /// <returns>Whether <paramref name="value"/> names a state.</returns>
    public static bool TryParseWireName(string? value, out TaskState state)
    {
        foreach (var candidate in Enum.GetValues<TaskState>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
