using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Serialization;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Telemetry;

namespace Vigil.Client;

/// <summary>
/// The producer side: validates each task completely (names, options, payload) before anything is stored, then stores a
/// whole call in one <see cref="IVigilStorage.EnqueueAsync"/> round trip, under a producer span whose W3C context the
/// task carries to its consumer.
/// </summary>
internal sealed partial class VigilClient : IVigilClient
{
    /// <summary>The longest idempotency key: 200 characters.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    private readonly IVigilStorage _storage;
    private readonly IOptionsMonitor<VigilOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly VigilMetrics _metrics;
    private readonly ILogger _logger;

    public VigilClient(IVigilStorage storage, IOptionsMonitor<VigilOptions> options, TimeProvider timeProvider, VigilMetrics metrics, ILogger<VigilClient> logger)
    {
        _storage = storage;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public ValueTask<string> EnqueueAsync<TPayload>(string type, TPayload payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        TaskNames.ThrowIfInvalidType(type, nameof(type));
        var json = JsonSerializer.Serialize(payload, VigilJson.Options);
        return EnqueueOneAsync(type, json, options, cancellationToken);
    }

    public ValueTask<string> EnqueueAsync<TPayload>(
        string type, TPayload payload, JsonTypeInfo<TPayload> payloadTypeInfo, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payloadTypeInfo);
        TaskNames.ThrowIfInvalidType(type, nameof(type));
        var json = JsonSerializer.Serialize(payload, payloadTypeInfo);
        return EnqueueOneAsync(type, json, options, cancellationToken);
    }

    public ValueTask<string> EnqueueJsonAsync(string type, string payloadJson, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        TaskNames.ThrowIfInvalidType(type, nameof(type));
        return EnqueueOneAsync(type, payloadJson, options, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<string>> EnqueueBatchAsync(IReadOnlyList<TaskRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        var tasks = new NewTask[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            // Validate every task before storing any: a batch is stored whole or not at all.
            var request = requests[i] ?? throw new ArgumentException($"Batch item {i} is null.", nameof(requests));
            try
            {
                TaskNames.ThrowIfInvalidType(request.Type, nameof(requests));
                ArgumentNullException.ThrowIfNull(request.PayloadJson, nameof(requests));
                tasks[i] = Prepare(request.Type, request.PayloadJson, request.Options, now);
            }
            catch (PayloadTooLargeException ex)
            {
                throw new PayloadTooLargeException($"Batch item {i}: {ex.Message}", ex);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Batch item {i}: {MessageOf(ex)}", nameof(requests), ex);
            }
        }

        return await StoreAsync(tasks, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return _storage.GetTaskAsync(taskId, cancellationToken);
    }

    public ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentException($"TaskQuery.Limit is {query.Limit}: use a value from 1 to 1000.", nameof(query));
        }

        if (query.Offset < 0)
        {
            throw new ArgumentException($"TaskQuery.Offset is {query.Offset}: use zero or more.", nameof(query));
        }

        return _storage.ListTasksAsync(query, cancellationToken);
    }

    public ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return _storage.CancelAsync(taskId, cancellationToken);
    }

    public ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return _storage.RetryAsync(taskId, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return _storage.DeleteAsync(taskId, cancellationToken);
    }

    public ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken = default) =>
        _storage.GetQueuesAsync(cancellationToken);

    /// <summary>The message of an argument exception without the " (Parameter 'x')" suffix.</summary>
    private static string MessageOf(ArgumentException exception)
    {
        var suffix = exception.ParamName is null ? null : $" (Parameter '{exception.ParamName}')";
        return suffix is not null && exception.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? exception.Message[..^suffix.Length]
            : exception.Message;
    }

    private async ValueTask<string> EnqueueOneAsync(string type, string json, EnqueueOptions? options, CancellationToken cancellationToken)
    {
        var task = Prepare(type, json, options, _timeProvider.GetUtcNow());
        var ids = await StoreAsync([task], cancellationToken).ConfigureAwait(false);
        return ids[0];
    }

    private NewTask Prepare(string type, string json, EnqueueOptions? options, DateTimeOffset now)
    {
        var defaults = _options.CurrentValue;
        VigilJson.ValidatePayload(type, json, defaults.MaxPayloadBytes, "payload");
        EnqueueOptionsValidator.ThrowIfInvalid(options);

        var queue = options?.Queue ?? defaults.DefaultQueue;
        DateTimeOffset? dueAt = options switch
        {
            { ScheduledAt: { } at } => at,
            { Delay: { } delay } when delay > TimeSpan.Zero => now + delay,
            _ => null,
        };

        return new NewTask
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = type,
            Queue = queue,
            Payload = json,
            MaxAttempts = options?.MaxAttempts ?? defaults.DefaultMaxAttempts,
            Timeout = options?.Timeout,
            DueAt = dueAt,
            IdempotencyKey = options?.IdempotencyKey,
        };
    }

    private async ValueTask<IReadOnlyList<string>> StoreAsync(NewTask[] tasks, CancellationToken cancellationToken)
    {
        using var activity = VigilActivities.StartEnqueue(tasks[0].Type, tasks[0].Queue, tasks.Length);
        var (traceParent, traceState) = VigilActivities.CurrentContext(activity);
        if (traceParent is not null)
        {
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = tasks[i] with { TraceParent = traceParent, TraceState = traceState };
            }
        }

        IReadOnlyList<EnqueueResult> results;
        try
        {
            // The ids are returned only after the storage stored the tasks: an id in the caller's hand is a durable task.
            results = await _storage.EnqueueAsync(tasks, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            Log.EnqueueFailed(_logger, tasks.Length, tasks[0].Type, ex);
            throw;
        }

        var ids = new string[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            ids[i] = results[i].Id;
            if (results[i].Deduplicated)
            {
                Log.Deduplicated(_logger, tasks[i].Type, tasks[i].IdempotencyKey, results[i].Id);
            }
            else
            {
                _metrics.TaskEnqueued(tasks[i].Queue, tasks[i].Type);
                Log.Enqueued(_logger, results[i].Id, tasks[i].Type, tasks[i].Queue);
            }
        }

        if (tasks.Length == 1)
        {
            activity?.SetTag("messaging.message.id", ids[0]);
        }

        return ids;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Enqueued task {TaskId} of type {Type} to queue {Queue}")]
        public static partial void Enqueued(ILogger logger, string taskId, string type, string queue);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Task of type {Type} with idempotency key {IdempotencyKey} is already enqueued as {TaskId}")]
        public static partial void Deduplicated(ILogger logger, string type, string? idempotencyKey, string taskId);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Enqueue of {Count} task(s) of type {Type} failed: nothing was stored")]
        public static partial void EnqueueFailed(ILogger logger, int count, string type, Exception exception);
    }
}
