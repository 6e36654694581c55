namespace Vigil.Handlers;

/// <summary>
/// User code for one task type. Registered with <c>builder.AddHandler&lt;THandler, TPayload&gt;("type")</c>; resolved from a
/// fresh DI scope for each attempt.
/// </summary>
/// <typeparam name="TPayload">The payload type, deserialized from the task's JSON.</typeparam>
public interface ITaskHandler<in TPayload>
{
    /// <summary>Runs one attempt. Throwing fails the attempt (retried with backoff until attempts run out).</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="context">The attempt's context: cancellation, attempt number, progress, real-time push, logger.</param>
    /// <returns>A task that completes when the work is done.</returns>
    ValueTask HandleAsync(TPayload payload, TaskContext context);
}

/// <summary>User code for one task type that returns a result, stored with the task as JSON.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
/// <typeparam name="TResult">The result type.</typeparam>
public interface ITaskHandler<in TPayload, TResult>
{
    /// <summary>Runs one attempt.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="context">The attempt's context.</param>
    /// <returns>The result, kept for the retention period.</returns>
    ValueTask<TResult> HandleAsync(TPayload payload, TaskContext context);
}
