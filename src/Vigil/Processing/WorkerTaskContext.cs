using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Vigil.Handlers;
using Vigil.Realtime;
using Vigil.Serialization;
using Vigil.Storage;

namespace Vigil.Processing;

/// <summary>The <see cref="TaskContext"/> of one attempt run by this worker.</summary>
internal sealed partial class WorkerTaskContext : TaskContext
{
    private readonly ClaimedTask _task;
    private readonly IVigilStorage _storage;
    private readonly TimeProvider _timeProvider;

    public WorkerTaskContext(
        ClaimedTask task, string workerId, CancellationToken cancellationToken, IServiceProvider services, ILogger logger,
        IVigilStorage storage, TimeProvider timeProvider)
    {
        _task = task;
        WorkerId = workerId;
        CancellationToken = cancellationToken;
        Services = services;
        Logger = logger;
        _storage = storage;
        _timeProvider = timeProvider;
    }

    public override string TaskId => _task.Id;

    public override string Type => _task.Type;

    public override string Queue => _task.Queue;

    public override int Attempt => _task.Attempt;

    public override int MaxAttempts => _task.MaxAttempts;

    public override string WorkerId { get; }

    public override CancellationToken CancellationToken { get; }

    public override IServiceProvider Services { get; }

    public override ILogger Logger { get; }

    public override ValueTask ReportProgressAsync(double? percent, string? message = null)
    {
        if (percent is { } p && (double.IsNaN(p) || p < 0 || p > 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "Progress is a percentage: use a value from 0 to 100, or null when unknown.");
        }

        var data = JsonSerializer.Serialize(new ProgressData(percent, message), RealtimeJsonContext.Default.ProgressData);
        return PublishAsync(new VigilEvent { Kind = "task.progress", TaskId = TaskId, Data = data, At = _timeProvider.GetUtcNow() });
    }

    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public override ValueTask SendToGroupAsync<T>(string group, string method, T data)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(method);
        return PublishGroupMessageAsync(group, method, JsonSerializer.SerializeToElement(data, VigilJson.Options));
    }

    public override ValueTask SendToGroupAsync<T>(string group, string method, T data, JsonTypeInfo<T> dataTypeInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(dataTypeInfo);
        return PublishGroupMessageAsync(group, method, JsonSerializer.SerializeToElement(data, dataTypeInfo));
    }

    private ValueTask PublishGroupMessageAsync(string group, string method, JsonElement payload)
    {
        var json = JsonSerializer.Serialize(new GroupMessageData(method, payload), RealtimeJsonContext.Default.GroupMessageData);
        return PublishAsync(new VigilEvent { Kind = "group.message", TaskId = TaskId, Group = group, Data = json, At = _timeProvider.GetUtcNow() });
    }

    private async ValueTask PublishAsync(VigilEvent vigilEvent)
    {
        try
        {
            await _storage.PublishEventAsync(vigilEvent, CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A real-time push is a courtesy to watching browsers, not the task's work: a storage blip must not fail the attempt.
            Log.PublishFailed(Logger, vigilEvent.Kind, TaskId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Could not publish the {Kind} event of task {TaskId}; the task goes on")]
        public static partial void PublishFailed(ILogger logger, string kind, string taskId, Exception exception);
    }
}
