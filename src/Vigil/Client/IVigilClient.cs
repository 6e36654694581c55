using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using Vigil.Serialization;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Client;

/// <summary>Enqueues tasks and reads, cancels, retries or deletes them. Registered by <c>services.AddVigil()</c>.</summary>
public interface IVigilClient
{
    /// <summary>Enqueues a task whose payload is serialized with System.Text.Json.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="type">The task type name, such as <c>reports.generate</c>.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="options">Per-task options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task id (an existing task's id for a duplicate idempotency key). Returned only once the task is stored.</returns>
    /// <exception cref="ArgumentException">A name, option or the payload size is invalid (the message says which and why).</exception>
    /// <exception cref="PayloadTooLargeException">The payload exceeds <see cref="VigilOptions.MaxPayloadBytes"/>.</exception>
    /// <exception cref="StorageUnavailableException">The storage did not store the task.</exception>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    ValueTask<string> EnqueueAsync<TPayload>(
        string type, TPayload payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a task with source-generated serialization metadata (trimming and AOT friendly).</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="type">The task type name.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="payloadTypeInfo">The payload's JSON metadata.</param>
    /// <param name="options">Per-task options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task id.</returns>
    ValueTask<string> EnqueueAsync<TPayload>(
        string type, TPayload payload, JsonTypeInfo<TPayload> payloadTypeInfo, EnqueueOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Enqueues a task whose payload is JSON text (checked to be one well-formed JSON value).</summary>
    /// <param name="type">The task type name.</param>
    /// <param name="payloadJson">The payload as JSON text.</param>
    /// <param name="options">Per-task options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task id.</returns>
    /// <exception cref="ArgumentException">The JSON is malformed (the message gives the position).</exception>
    ValueTask<string> EnqueueJsonAsync(
        string type, string payloadJson, EnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues several tasks in one storage round trip. All are validated before any is stored.</summary>
    /// <param name="requests">The tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task ids, in order.</returns>
    ValueTask<IReadOnlyList<string>> EnqueueBatchAsync(
        IReadOnlyList<TaskRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Reads one task with its timeline.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/>.</returns>
    ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Lists tasks, newest first.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>Cancels a task (see <see cref="IVigilStorage.CancelAsync"/>).</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was cancelled or its cancellation requested.</returns>
    ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Queues a dead or cancelled task again.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was queued again.</returns>
    ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a task that is not running.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was deleted.</returns>
    ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Summarizes every queue.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The queues.</returns>
    ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken = default);
}
