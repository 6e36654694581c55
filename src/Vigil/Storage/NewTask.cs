namespace Vigil.Storage;

/// <summary>A task to store, as the client hands it to <see cref="IVigilStorage.EnqueueAsync"/>. Already validated.</summary>
public sealed record NewTask
{
    /// <summary>The id chosen by the client (lower-case 32 hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>The task type name.</summary>
    public required string Type { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The payload, as JSON text.</summary>
    public required string Payload { get; init; }

    /// <summary>The attempts allowed.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>The per-attempt timeout, or <see langword="null"/> for the worker's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>When the task may first run; <see langword="null"/> or a past time means now (state queued), a future time means state scheduled.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The idempotency key: while a task with this key is not terminal, enqueuing another returns the first one's id.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the enqueuing activity.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the enqueuing activity.</summary>
    public string? TraceState { get; init; }
}

/// <summary>The answer to one enqueued task.</summary>
/// <param name="Id">The id of the stored task: the new one, or the existing one for a duplicate idempotency key.</param>
/// <param name="Deduplicated">Whether an existing task with the same idempotency key was returned instead of storing a new one.</param>
public readonly record struct EnqueueResult(string Id, bool Deduplicated);
