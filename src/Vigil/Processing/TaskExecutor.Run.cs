using Microsoft.Extensions.DependencyInjection;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Processing;

/// <content>Running the handler: timeout, cancellation, abandonment, and telling them apart.</content>
internal sealed partial class TaskExecutor
{
    private async ValueTask<TaskCompletion?> RunAsync(InFlightTask inFlight, HandlerRegistration handler, object? payload)
    {
        var task = inFlight.Task;
        var timeout = task.Timeout ?? _options.DefaultTimeout;
        if (timeout > VigilOptionsValidator.MaxTimeout)
        {
            timeout = VigilOptionsValidator.MaxTimeout;
        }

        // The timeout is the attempt's token source's own timer on the injected clock, so tests drive it with a fake one.
        inFlight.Start(timeout, _options.AbandonGracePeriod, _timeProvider, _abandonedWhileBlocked);
        var scope = _scopeFactory.CreateAsyncScope();
        var context = new WorkerTaskContext(task, _workerId, inFlight.Token, scope.ServiceProvider, HandlerLogger(task.Type), _storage, _timeProvider);

        // Invoked on this thread (the run is already off the consume loop's): a handler that completes without waiting
        // costs no thread hop, no watchdog and no extra task. A handler that blocks synchronously holds this thread only;
        // its abandonment then does not need this method (see InFlightTask.Start).
        ValueTask<string?> running;
        Exception? error = null;
        try
        {
            running = handler.Invoke(scope.ServiceProvider, payload, context);
        }
        catch (Exception ex)
        {
            running = default;
            error = ex;
        }

        var awaited = false;
        if (error is null && !running.IsCompleted)
        {
            var handlerTask = running.AsTask();
            if (!inFlight.MarkAwaiting())
            {
                // Abandoned while the invocation blocked: that path ended the attempt already.
                ReleaseScopeWhenDone(handlerTask, scope);
                return null;
            }

            awaited = true;
            if (await Task.WhenAny(handlerTask, inFlight.AbandonedTask).ConfigureAwait(false) != handlerTask)
            {
                ReleaseScopeWhenDone(handlerTask, scope);
                return Abandon(inFlight);
            }

            running = new ValueTask<string?>(handlerTask);
        }

        string? result = null;
        if (error is null)
        {
            try
            {
                result = running.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }

        var finishedFirst = inFlight.MarkHandlerFinished();
        await scope.DisposeAsync().ConfigureAwait(false);
        if (!finishedFirst)
        {
            // The grace period ran out just as the handler ended. Awaited: this run ends the attempt as abandoned, as the
            // recycle was asked for already. Blocked: the abandonment path ended it.
            return awaited ? Abandon(inFlight) : null;
        }

        return error is null ? Ended(inFlight, CompletionOutcome.Succeeded, result) : Classify(inFlight, error, timeout);
    }

    /// <summary>What a handler's exception means, by the reason its token fired, if it did.</summary>
    private TaskCompletion? Classify(InFlightTask inFlight, Exception error, TimeSpan timeout)
    {
        var task = inFlight.Task;
        if (inFlight.LeaseLost)
        {
            // Another worker owns the task now: whatever this attempt did, it must not write over the new owner's state.
            Log.LeaseLost(_logger, task.Id, task.Attempt);
            return null;
        }

        if (inFlight.CancelRequested)
        {
            Log.Cancelled(_logger, task.Id, task.Attempt);
            return Ended(inFlight, CompletionOutcome.Cancelled);
        }

        if (error is OperationCanceledException && inFlight.AbortToken.IsCancellationRequested)
        {
            // Shutdown past its grace period: give the task back unrun so another worker starts it at once.
            Log.Released(_logger, task.Id, task.Attempt);
            return Ended(inFlight, CompletionOutcome.Released);
        }

        if (error is OperationCanceledException && inFlight.TimedOut)
        {
            Log.TimedOut(_logger, task.Id, task.Attempt, timeout);
            return Failed(inFlight, new TaskError(TimeoutError, $"Attempt {task.Attempt} of task {task.Id} ran past its timeout of {timeout} and was cancelled."), timedOut: true);
        }

        Log.HandlerFailed(_logger, task.Id, task.Attempt, task.MaxAttempts, error);
        return Failed(inFlight, TaskError.FromException(error), timedOut: false);
    }

    /// <summary>
    /// Ends an attempt whose handler blocks inside its invocation past its cancellation's grace period: nobody awaits it,
    /// so the outcome is stored from here and the slot and the lease are given back.
    /// </summary>
    private async Task EndBlockedAsync(InFlightTask inFlight)
    {
        try
        {
            var outcome = Abandon(inFlight);
            inFlight.ReleaseSlot();
            if (outcome is not null)
            {
                await CompleteAsync(inFlight, outcome).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Like a crashed run: the lease expires and another worker takes the task over.
            Log.AbandonFailed(_logger, inFlight.Task.Id, ex);
        }
        finally
        {
            _runEnded(inFlight);
        }
    }

    /// <summary>Observes an abandoned handler's fault, and releases its scope whenever it does end.</summary>
    private static void ReleaseScopeWhenDone(Task<string?> handlerTask, AsyncServiceScope scope) =>
        _ = handlerTask.ContinueWith(
            static async (t, s) =>
            {
                _ = t.Exception;
                await ((AsyncServiceScope)s!).DisposeAsync().ConfigureAwait(false);
            },
            scope,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

    /// <summary>
    /// The handler ignored its cancellation past the grace period: free the slot, hand the task to another worker, and ask
    /// for a recycle (a thread stuck in user code cannot be taken back; a fresh process can).
    /// </summary>
    private TaskCompletion? Abandon(InFlightTask inFlight)
    {
        var task = inFlight.Task;
        Log.Abandoned(_logger, task.Id, task.Attempt, _options.AbandonGracePeriod);
        if (!inFlight.AbortToken.IsCancellationRequested)
        {
            // Not while shutting down: the process is ending anyway, and a recycle's exit code would misreport a plain stop.
            _onAbandoned($"the handler of task {task.Id} (type '{task.Type}') ignored its cancellation for {_options.AbandonGracePeriod} and was abandoned");
        }

        if (inFlight.LeaseLost)
        {
            return null;
        }

        if (inFlight.CancelRequested)
        {
            return Ended(inFlight, CompletionOutcome.Cancelled);
        }

        if (inFlight.AbortToken.IsCancellationRequested && !inFlight.TimedOut)
        {
            return Ended(inFlight, CompletionOutcome.Released);
        }

        return Failed(inFlight, new TaskError(AbandonedError,
            $"Attempt {task.Attempt} of task {task.Id} ran past its timeout and ignored its cancellation for {_options.AbandonGracePeriod}: it was abandoned and the worker recycles. Make the handler honour context.CancellationToken."), timedOut: true);
    }
}
