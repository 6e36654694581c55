using Vigil.Tasks;

namespace Vigil.Storage;

/// <summary>A filter and a page for <see cref="IVigilStorage.ListTasksAsync"/>. Newest tasks first.</summary>
public sealed record TaskQuery
{
    /// <summary>Only tasks of this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only tasks in this state.</summary>
    public TaskState? State { get; init; }

    /// <summary>Only tasks of this type.</summary>
    public string? Type { get; init; }

    /// <summary>How many matching tasks to skip. Default 0.</summary>
    public int Offset { get; init; }

    /// <summary>How many tasks to return at most (1 to 1000). Default 50.</summary>
    public int Limit { get; init; } = 50;
}

/// <summary>One page of tasks.</summary>
/// <param name="Tasks">The tasks of the page, newest first (without their timeline).</param>
/// <param name="Total">How many tasks match the filter in all.</param>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, long Total);
