using Microsoft.Extensions.DependencyInjection;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Processing;

/// <content>Running the handler: timeout, cancellation, abandonment, and telling them apart.</content>
internal sealed partial class TaskExecutor
{
    private async Task<TaskCompletion?> RunAsync(InFlightTask inFlight, HandlerRegistration handler, object? payload)
    {
        var task = inFlight.Task;
        var timeout = task.Timeout ?? _options.DefaultTimeout;
        if (timeout > VigilOptionsValidator.MaxTimeout)
        {
            timeout = VigilOptionsValidator.MaxTimeout;
        }

        // The timeout is a linked source on the injected clock, so tests drive it with a fake one.
        using var timeoutCts = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(inFlight.Token, timeoutCts.Token);
        var scope = _scopeFactory.CreateAsyncScope();
        var context = new WorkerTaskContext(task, _workerId, linked.Token, scope.ServiceProvider, HandlerLogger(task.Type), _storage, _timeProvider);

        // Task.Run: a handler that blocks synchronously before its first await must not hold this method, or the
        // watchdog below could never abandon it.
        var handlerTask = Task.Run(() => handler.Invoke(scope.ServiceProvider, payload, context).AsTask(), CancellationToken.None);
        using var watchdogStop = new CancellationTokenSource();
        var watchdog = WatchForAbandonAsync(linked.Token, watchdogStop.Token);
        if (await Task.WhenAny(handlerTask, watchdog).ConfigureAwait(false) != handlerTask)
        {
            return Abandon(inFlight, handlerTask, scope, timeoutCts.IsCancellationRequested);
        }

        await watchdogStop.CancelAsync().ConfigureAwait(false);
        try
        {
            string? result;
            try
            {
                result = await handlerTask.ConfigureAwait(false);
            }
            finally
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }

            return Ended(inFlight, CompletionOutcome.Succeeded, result);
        }
        catch (Exception) when (inFlight.LeaseLost)
        {
            // Another worker owns the task now: whatever this attempt did, it must not write over the new owner's state.
            Log.LeaseLost(_logger, task.Id, task.Attempt);
            return null;
        }
        catch (Exception) when (inFlight.CancelRequested)
        {
            Log.Cancelled(_logger, task.Id, task.Attempt);
            return Ended(inFlight, CompletionOutcome.Cancelled);
        }
        catch (OperationCanceledException) when (inFlight.AbortToken.IsCancellationRequested)
        {
            // Shutdown past its grace period: give the task back unrun so another worker starts it at once.
            Log.Released(_logger, task.Id, task.Attempt);
            return Ended(inFlight, CompletionOutcome.Released);
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            Log.TimedOut(_logger, task.Id, task.Attempt, timeout);
            return Failed(inFlight, new TaskError(TimeoutError, $"Attempt {task.Attempt} of task {task.Id} ran past its timeout of {timeout} and was cancelled."), timedOut: true);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, task.Id, task.Attempt, task.MaxAttempts, ex);
            return Failed(inFlight, TaskError.FromException(ex), timedOut: false);
        }
    }

    /// <summary>Completes when the handler's token has fired and the handler has still not returned after the grace period.</summary>
    private async Task WatchForAbandonAsync(CancellationToken handlerToken, CancellationToken stop)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (handlerToken.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), fired))
        using (stop.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), fired))
        {
            await fired.Task.ConfigureAwait(false);
        }

        await Task.Delay(_options.AbandonGracePeriod, _timeProvider, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// The handler ignored its cancellation past the grace period: free the slot, hand the task to another worker, and ask
    /// for a recycle (a thread stuck in user code cannot be taken back; a fresh process can).
    /// </summary>
    private TaskCompletion? Abandon(InFlightTask inFlight, Task<string?> handlerTask, AsyncServiceScope scope, bool timedOut)
    {
        var task = inFlight.Task;
        _ = handlerTask.ContinueWith(
            static async (t, s) =>
            {
                // Observe the abandoned handler's fault, and release its scope whenever it does end.
                _ = t.Exception;
                await ((AsyncServiceScope)s!).DisposeAsync().ConfigureAwait(false);
            },
            scope,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

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

        if (inFlight.AbortToken.IsCancellationRequested && !timedOut)
        {
            return Ended(inFlight, CompletionOutcome.Released);
        }

        return Failed(inFlight, new TaskError(AbandonedError,
            $"Attempt {task.Attempt} of task {task.Id} ran past its timeout and ignored its cancellation for {_options.AbandonGracePeriod}: it was abandoned and the worker recycles. Make the handler honour context.CancellationToken."), timedOut: true);
    }
}
