namespace Vigil.Storage;

/// <summary>What a worker asks of <see cref="IVigilStorage.ClaimAsync"/>.</summary>
public sealed record ClaimRequest
{
    /// <summary>The claiming worker.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The queues to claim from, in priority order (the worker's private queue included).</summary>
    public required IReadOnlyList<string> Queues { get; init; }

    /// <summary>The most tasks to claim (the worker's free slots).</summary>
    public required int MaxCount { get; init; }

    /// <summary>How long the lease lasts unless renewed.</summary>
    public required TimeSpan LeaseDuration { get; init; }
}

/// <summary>A task claimed by a worker: it is running, and the worker holds its lease.</summary>
public sealed record ClaimedTask
{
    /// <summary>The task id.</summary>
    public required string Id { get; init; }

    /// <summary>The task type name.</summary>
    public required string Type { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The payload, as JSON text.</summary>
    public required string Payload { get; init; }

    /// <summary>This attempt's number, from 1. Also the fencing token that <see cref="TaskCompletion.Attempt"/> must repeat.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempts allowed.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>The per-attempt timeout, or <see langword="null"/> for the worker's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>When the task was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>How long the task waited to be claimed since it became ready.</summary>
    public required TimeSpan WaitTime { get; init; }

    /// <summary>When the lease expires unless renewed.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Whether the previous attempt's worker vanished (its lease expired) and this claim takes the task over.</summary>
    public bool TakenOver { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the enqueuing activity.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the enqueuing activity.</summary>
    public string? TraceState { get; init; }
}

/// <summary>The answer for one task to <see cref="IVigilStorage.RenewLeasesAsync"/>.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Held">Whether the worker still holds the lease (false: another worker took the task over, or it was deleted).</param>
/// <param name="CancelRequested">Whether someone asked to cancel the running task.</param>
public readonly record struct LeaseRenewal(string TaskId, bool Held, bool CancelRequested);
