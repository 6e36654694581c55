using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Telemetry;

namespace Vigil.Processing;

/// <summary>
/// Runs one claimed task's attempt and decides its outcome: succeeded, retry with backoff, dead, cancelled, released, or
/// nothing at all when the lease was lost. Knows nothing of loops or slots; the worker calls it once per claimed task.
/// </summary>
internal sealed partial class TaskExecutor
{
    /// <summary>The error type of a task whose type has no handler in the worker that claimed it.</summary>
    public const string UnknownTaskTypeError = "Vigil.UnknownTaskType";

    /// <summary>The error type of a task whose payload does not deserialize into its handler's payload type.</summary>
    public const string InvalidPayloadError = "Vigil.InvalidPayload";

    /// <summary>The error type of a task claimed again after its last attempt's worker vanished.</summary>
    public const string AttemptsExhaustedError = "Vigil.AttemptsExhausted";

    /// <summary>The error type of an attempt that ran past its timeout.</summary>
    public const string TimeoutError = "Vigil.Timeout";

    /// <summary>The error type of an attempt whose handler ignored its cancellation and was abandoned.</summary>
    public const string AbandonedError = "Vigil.Abandoned";

    private readonly IVigilStorage _storage;
    private readonly HandlerRegistry _handlers;
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly VigilOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly VigilMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WorkerCounters _counters;
    private readonly string _workerId;
    private readonly Action<string> _onAbandoned;
    private readonly Action<InFlightTask> _runEnded;
    private readonly Action<InFlightTask> _abandonedWhileBlocked;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ILogger> _handlerLoggers = new(StringComparer.Ordinal);

    public TaskExecutor(
        IVigilStorage storage, HandlerRegistry handlers, IServiceScopeFactory scopeFactory, VigilOptions options,
        TimeProvider timeProvider, VigilMetrics metrics, ILogger logger, WorkerCounters counters, string workerId,
        Action<string> onAbandoned, Action<InFlightTask> runEnded, ILoggerFactory? loggerFactory = null)
    {
        _runEnded = runEnded;
        _abandonedWhileBlocked = inFlight => _ = Task.Run(() => EndBlockedAsync(inFlight), CancellationToken.None);
        _loggerFactory = loggerFactory;
        _storage = storage;
        _handlers = handlers;
        _scopeFactory = scopeFactory;
        _options = options;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _counters = counters;
        _workerId = workerId;
        _onAbandoned = onAbandoned;
    }

    /// <summary>
    /// Runs the attempt and stores its outcome. Never throws (except on a bug): every failure becomes an outcome. Gives the
    /// slot back as soon as the handler is done, and tells the worker (<c>runEnded</c>) once the outcome is stored.
    /// </summary>
    public async Task ExecuteAsync(InFlightTask inFlight)
    {
        var task = inFlight.Task;
        using var activity = VigilActivities.StartProcess(task);
        using var logScope = _logger.BeginScope(new TaskLogScope(task));
        _metrics.RecordWaitTime(task.Queue, task.Type, task.WaitTime);
        if (task.TakenOver)
        {
            Log.TakenOver(_logger, task.Id, task.Attempt);
        }

        TaskCompletion? outcome;
        if (inFlight.LeaseLost)
        {
            // Taken over before it started (it waited in the claim-ahead buffer past a failed renewal): not ours to run.
            Log.LeaseLost(_logger, task.Id, task.Attempt);
            outcome = null;
        }
        else if (inFlight.CancelRequested)
        {
            // Cancelled before it started: cancelled without running.
            Log.Cancelled(_logger, task.Id, task.Attempt);
            outcome = Ended(inFlight, CompletionOutcome.Cancelled);
        }
        else
        {
            outcome = Prepare(task, out var handler, out var payload) ?? await RunAsync(inFlight, handler!, payload).ConfigureAwait(false);
        }

        // The handler is done: its slot takes the next task while this outcome is stored. The lease stays held (and
        // renewed) until then, so a crash now still leaves the task to be taken over, never lost.
        inFlight.ReleaseSlot();
        if (outcome is null)
        {
            return;
        }

        if (activity is not null)
        {
            activity.SetTag("vigil.task.outcome", OutcomeTagValue(outcome.Outcome));
            if (outcome.Error is not null)
            {
                activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Error.Message);
            }
        }

        await CompleteAsync(inFlight, outcome).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a claimed task back to its queue without running it (claimed ahead, then not started in time, or the worker
    /// stops): stored as released, which does not count against its attempts.
    /// </summary>
    public async Task ReleaseUnrunAsync(InFlightTask inFlight, string reason)
    {
        var task = inFlight.Task;
        Log.ReleasedUnrun(_logger, task.Id, task.Attempt, reason);
        var completion = new TaskCompletion
        {
            TaskId = task.Id,
            WorkerId = _workerId,
            Attempt = task.Attempt,
            Outcome = CompletionOutcome.Released,
            RunTime = TimeSpan.Zero,
        };
        try
        {
            await CompleteAsync(inFlight, completion, ran: false).ConfigureAwait(false);
        }
        finally
        {
            _runEnded(inFlight);
        }
    }

    /// <summary>Ends the attempt at once, without running it, when it cannot run: exhausted, unknown type, bad payload.</summary>
    private TaskCompletion? Prepare(ClaimedTask task, out HandlerRegistration? handler, out object? payload)
    {
        handler = null;
        payload = null;
        if (task.Attempt > task.MaxAttempts)
        {
            // The worker of the last allowed attempt vanished mid-run (its lease expired): running again would exceed the budget.
            return Dead(task, new TaskError(AttemptsExhaustedError,
                $"Task {task.Id} was claimed for attempt {task.Attempt} of {task.MaxAttempts}: the worker running its last attempt vanished (lease expired), so it is dead without running again. Retry it by hand if it is safe to run again."));
        }

        if (!_handlers.TryGet(task.Type, out handler))
        {
            var known = _handlers.RegisteredTypes.Count == 0 ? "none" : string.Join(", ", _handlers.RegisteredTypes.Select(t => $"'{t}'"));
            return Dead(task, new TaskError(UnknownTaskTypeError,
                $"No handler is registered for task type '{task.Type}' in worker {_workerId} (queue '{task.Queue}'). Registered types: {known}. Register it with builder.AddHandler(\"{task.Type}\", ...) or route the task to a queue whose workers have it."));
        }

        try
        {
            payload = handler.Deserialize(task.Payload);
            return null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            var path = ex is JsonException { Path: { } p } ? $" at JSON path '{p}'" : string.Empty;
            return Dead(task, new TaskError(InvalidPayloadError,
                $"The payload of task {task.Id} (type '{task.Type}') does not fit the handler's payload type {handler.PayloadType.FullName}{path}: {ex.Message} It would fail on every attempt, so it is dead at once; fix the producer and retry it.",
                ex.ToString()));
        }
    }

    /// <summary>The logger handlers get: category <c>Vigil.Tasks.{type}</c>, so each task type's logs can be filtered.</summary>
    private ILogger HandlerLogger(string type) =>
        _loggerFactory is null ? _logger : _handlerLoggers.GetOrAdd(type, static (t, f) => f.CreateLogger("Vigil.Tasks." + t), _loggerFactory);

    private TaskCompletion Dead(ClaimedTask task, TaskError error) =>
        new()
        {
            TaskId = task.Id,
            WorkerId = _workerId,
            Attempt = task.Attempt,
            Outcome = CompletionOutcome.Dead,
            Error = error,
            RunTime = TimeSpan.Zero,
        };

    private TaskCompletion Failed(InFlightTask inFlight, TaskError error, bool timedOut)
    {
        var task = inFlight.Task;
        var runTime = _timeProvider.GetElapsedTime(inFlight.StartedTimestamp);
        if (task.Attempt < task.MaxAttempts)
        {
            var delay = RetryBackoff.Compute(task.Attempt, _options);
            return new TaskCompletion
            {
                TaskId = task.Id,
                WorkerId = _workerId,
                Attempt = task.Attempt,
                Outcome = CompletionOutcome.Retry,
                Error = error,
                RetryAt = _timeProvider.GetUtcNow() + delay,
                TimedOut = timedOut,
                RunTime = runTime,
            };
        }

        return new TaskCompletion
        {
            TaskId = task.Id,
            WorkerId = _workerId,
            Attempt = task.Attempt,
            Outcome = CompletionOutcome.Dead,
            Error = error,
            TimedOut = timedOut,
            RunTime = runTime,
        };
    }

    private TaskCompletion Ended(InFlightTask inFlight, CompletionOutcome outcome, string? result = null) =>
        new()
        {
            TaskId = inFlight.Task.Id,
            WorkerId = _workerId,
            Attempt = inFlight.Task.Attempt,
            Outcome = outcome,
            Result = result,
            RunTime = _timeProvider.GetElapsedTime(inFlight.StartedTimestamp),
        };

    /// <summary>The logging scope of an attempt: TaskId, Type, Queue, Attempt as structured properties.</summary>
    private sealed class TaskLogScope(ClaimedTask task) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 4;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("TaskId", task.Id),
            1 => new("Type", task.Type),
            2 => new("Queue", task.Queue),
            3 => new("Attempt", task.Attempt),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"TaskId:{task.Id} Type:{task.Type} Queue:{task.Queue} Attempt:{task.Attempt}";
    }
}
