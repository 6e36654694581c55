namespace Vigil.Tasks;

/// <summary>A task as persisted by the storage: what the query API, the CLI and the dashboard show.</summary>
public sealed record TaskRecord
{
    /// <summary>The task id (a lower-case 32-hex-digit string).</summary>
    public required string Id { get; init; }

    /// <summary>The stable task type name, such as <c>reports.generate</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The queue the task belongs to.</summary>
    public required string Queue { get; init; }

    /// <summary>The payload, as JSON text.</summary>
    public required string Payload { get; init; }

    /// <summary>The current state.</summary>
    public required TaskState State { get; init; }

    /// <summary>The number of attempts started so far (0 before the first claim).</summary>
    public int Attempt { get; init; }

    /// <summary>How many attempts the task may have before it is dead.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>How long one attempt may run before its cancellation token fires; <see langword="null"/> for the worker's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>When the task was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the task becomes (or became) ready to run: its scheduled time, or its next retry time.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>When the task reached its terminal state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The idempotency key given at enqueue, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The handler's result as JSON text, for a succeeded task that returned one.</summary>
    public string? Result { get; init; }

    /// <summary>The last error, for a retrying or dead task.</summary>
    public TaskError? LastError { get; init; }

    /// <summary>The worker that holds the lease of a running task.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When the lease of a running task expires unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Whether cancellation was requested while the task was running.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the activity that enqueued the task.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the activity that enqueued the task.</summary>
    public string? TraceState { get; init; }

    /// <summary>Every attempt, oldest first.</summary>
    public IReadOnlyList<TaskAttempt> Timeline { get; init; } = [];
}
