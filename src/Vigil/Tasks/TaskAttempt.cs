namespace Vigil.Tasks;

/// <summary>One attempt in a task's timeline.</summary>
public sealed record TaskAttempt
{
    /// <summary>The attempt number, from 1.</summary>
    public required int Number { get; init; }

    /// <summary>The worker that claimed the task for this attempt.</summary>
    public required string WorkerId { get; init; }

    /// <summary>When the worker claimed the task.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the attempt ended; <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>
    /// How the attempt ended: <c>succeeded</c>, <c>failed</c>, <c>timed-out</c>, <c>dead</c>, <c>cancelled</c>,
    /// <c>released</c> (given back at shutdown) or <c>lease-expired</c> (its worker vanished); <see langword="null"/> while it runs.
    /// </summary>
    public string? Outcome { get; init; }

    /// <summary>The error of a failed attempt.</summary>
    public TaskError? Error { get; init; }
}
