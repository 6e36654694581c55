using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Vigil.Serialization;

namespace Vigil.Handlers;

/// <summary>What a handler knows and can do during one attempt.</summary>
public abstract class TaskContext
{
    /// <summary>The task id.</summary>
    public abstract string TaskId { get; }

    /// <summary>The task type name.</summary>
    public abstract string Type { get; }

    /// <summary>The queue.</summary>
    public abstract string Queue { get; }

    /// <summary>This attempt's number, from 1.</summary>
    public abstract int Attempt { get; }

    /// <summary>The attempts allowed.</summary>
    public abstract int MaxAttempts { get; }

    /// <summary>The worker running the attempt.</summary>
    public abstract string WorkerId { get; }

    /// <summary>
    /// Fires on the attempt's timeout, on cancellation of the task, and when the worker aborts at shutdown. A handler must
    /// honour it: one that keeps running past the grace period is abandoned and its task retried elsewhere.
    /// </summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The attempt's DI scope.</summary>
    public abstract IServiceProvider Services { get; }

    /// <summary>A logger whose scope carries the task id, type, queue and attempt.</summary>
    public abstract ILogger Logger { get; }

    /// <summary>Publishes the task's progress to subscribed browsers (event <c>task.progress</c>), from any process.</summary>
    /// <param name="percent">0 to 100, or <see langword="null"/> when unknown.</param>
    /// <param name="message">A short text for a person.</param>
    /// <returns>A task that completes when the event is published.</returns>
    public abstract ValueTask ReportProgressAsync(double? percent, string? message = null);

    /// <summary>Sends a message to a SignalR group of browsers (event <c>group.message</c>), from any process.</summary>
    /// <typeparam name="T">The data type, serialized as JSON.</typeparam>
    /// <param name="group">The group name.</param>
    /// <param name="method">The client method name the browser listens on.</param>
    /// <param name="data">The data.</param>
    /// <returns>A task that completes when the event is published.</returns>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public abstract ValueTask SendToGroupAsync<T>(string group, string method, T data);

    /// <summary>
    /// Sends a message to a SignalR group of browsers (event <c>group.message</c>), serialized with source-generated
    /// metadata: the trimming and Native AOT friendly overload.
    /// </summary>
    /// <typeparam name="T">The data type.</typeparam>
    /// <param name="group">The group name.</param>
    /// <param name="method">The client method name the browser listens on.</param>
    /// <param name="data">The data.</param>
    /// <param name="dataTypeInfo">The data's JSON metadata.</param>
    /// <returns>A task that completes when the event is published.</returns>
    /// <exception cref="NotSupportedException">A context class of the application's own (a test double) that does not override it.</exception>
    // Virtual, not abstract: a context class written against an earlier Vigil (a test double) keeps compiling and loading.
    public virtual ValueTask SendToGroupAsync<T>(string group, string method, T data, JsonTypeInfo<T> dataTypeInfo) =>
        throw new NotSupportedException($"{GetType().Name} does not override SendToGroupAsync with JsonTypeInfo; the worker's context does.");
}
