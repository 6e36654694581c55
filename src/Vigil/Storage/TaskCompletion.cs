using Vigil.Tasks;

namespace Vigil.Storage;

/// <summary>How an attempt ended, as the worker reports it to <see cref="IVigilStorage.CompleteAsync"/>.</summary>
public enum CompletionOutcome
{
    /// <summary>The handler completed: the task is succeeded.</summary>
    Succeeded = 0,

    /// <summary>The attempt failed and another is allowed: the task is retrying until <see cref="TaskCompletion.RetryAt"/>.</summary>
    Retry = 1,

    /// <summary>The attempt failed and no other is allowed, or the failure cannot be retried: the task is dead.</summary>
    Dead = 2,

    /// <summary>The task was cancelled while running: the task is cancelled.</summary>
    Cancelled = 3,

    /// <summary>
    /// The worker gives the task back unrun (graceful shutdown past its grace period): the task is queued again and this
    /// attempt does not count against <see cref="ClaimedTask.MaxAttempts"/>.
    /// </summary>
    Released = 4,
}

/// <summary>The end of one attempt.</summary>
public sealed record TaskCompletion
{
    /// <summary>The task.</summary>
    public required string TaskId { get; init; }

    /// <summary>The worker that ran the attempt: it must still hold the lease.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The attempt number from <see cref="ClaimedTask.Attempt"/>: the fencing token.</summary>
    public required int Attempt { get; init; }

    /// <summary>How the attempt ended.</summary>
    public required CompletionOutcome Outcome { get; init; }

    /// <summary>The handler's result as JSON text, for <see cref="CompletionOutcome.Succeeded"/>.</summary>
    public string? Result { get; init; }

    /// <summary>The error, for <see cref="CompletionOutcome.Retry"/> and <see cref="CompletionOutcome.Dead"/>.</summary>
    public TaskError? Error { get; init; }

    /// <summary>When the task may run again, for <see cref="CompletionOutcome.Retry"/>.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Whether the attempt failed by its timeout (counted as timed out as well as failed).</summary>
    public bool TimedOut { get; init; }

    /// <summary>How long the handler ran.</summary>
    public required TimeSpan RunTime { get; init; }
}
