using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Realtime;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Realtime;

/// <summary>
/// Runs in the web process: reads the storage's event feed and pushes progress and group messages to browsers, and polls
/// the state of the tasks that browsers watch, so they get results without the worker writing anything extra per task.
/// </summary>
internal sealed class EventFeedRelay(
    IVigilStorage storage,
    RealtimeSender sender,
    TaskSubscriptions subscriptions,
    IOptions<VigilRealtimeOptions> options,
    TimeProvider timeProvider,
    ILogger<EventFeedRelay> logger) : BackgroundService
{
    private readonly VigilRealtimeOptions _options = options.Value;
    private readonly SemaphoreSlim _stateWake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.RelayStarted(logger, _options.EventPollInterval, _options.StatePollInterval, _options.EventBatchSize);
        await Task.WhenAll(RelayEventsAsync(stoppingToken), PushStatesAsync(stoppingToken)).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _stateWake.Dispose();
        base.Dispose();
    }

    private async Task RelayEventsAsync(CancellationToken cancellationToken)
    {
        // Start at "now": events published before this process started are of no use to browsers that connect later.
        string? cursor = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                var batch = await storage.ReadEventsAsync(cursor, _options.EventBatchSize, cancellationToken).ConfigureAwait(false);
                cursor = batch.Cursor;
                if (failures > 0)
                {
                    Log.EventFeedRecovered(logger, failures);
                    failures = 0;
                }

                foreach (var vigilEvent in batch.Events)
                {
                    await DispatchAsync(vigilEvent, cancellationToken).ConfigureAwait(false);
                }

                full = batch.Events.Count >= _options.EventBatchSize;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The feed is best effort (progress, messages): a storage outage must not stop the relay, which carries
                // on from its cursor once the storage answers. Log loudly once, then quietly until it recovers.
                if (failures++ == 0)
                {
                    Log.EventFeedFailed(logger, storage.Location, ex);
                }
                else
                {
                    Log.EventFeedFailedAgain(logger, ex);
                }
            }

            if (!full && !await DelayAsync(_options.EventPollInterval, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task DispatchAsync(VigilEvent vigilEvent, CancellationToken cancellationToken)
    {
        try
        {
            switch (vigilEvent.Kind)
            {
                case RealtimeEvents.TaskProgress:
                    if (vigilEvent.TaskId is null)
                    {
                        Log.EventIncomplete(logger, vigilEvent.Kind, "task id");
                        return;
                    }

                    await sender.SendToTaskAsync(
                        vigilEvent.TaskId, VigilHubMethods.TaskProgress, RealtimeEvents.ToProgress(vigilEvent), cancellationToken)
                        .ConfigureAwait(false);
                    break;

                case RealtimeEvents.GroupMessage:
                    if (string.IsNullOrEmpty(vigilEvent.Group))
                    {
                        Log.EventIncomplete(logger, vigilEvent.Kind, "group");
                        return;
                    }

                    var (method, data) = RealtimeEvents.ToGroupMessage(vigilEvent);
                    await sender.SendToGroupAsync(vigilEvent.Group, method, data, cancellationToken).ConfigureAwait(false);
                    break;

                case RealtimeEvents.TaskState:
                    // A publisher announced a state change: read it now rather than at the next poll.
                    WakeStatePoll();
                    await SendSystemEventAsync(vigilEvent, cancellationToken).ConfigureAwait(false);
                    break;

                default:
                    await SendSystemEventAsync(vigilEvent, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One undeliverable event must not stall the feed for every other browser.
            Log.PushFailed(logger, vigilEvent.Kind, ex);
        }
    }

    private Task SendSystemEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken) =>
        sender.SendToDashboardsAsync(
            VigilHubMethods.SystemEvent,
            new SystemEventMessage(vigilEvent.Kind, vigilEvent.TaskId, vigilEvent.Group, JsonText.Parse(vigilEvent.Data), vigilEvent.At),
            cancellationToken);

    private void WakeStatePoll()
    {
        try
        {
            _stateWake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one poll serves every announcement that came before it.
        }
    }

    private async Task PushStatesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (taskId, lastState, lastAttempt) in subscriptions.Snapshot())
            {
                try
                {
                    var task = await storage.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
                    if (task is null)
                    {
                        subscriptions.Observed(taskId, null, 0, stopWatching: true);
                        await sender.SendToTaskAsync(
                            taskId,
                            VigilHubMethods.TaskState,
                            new TaskStateMessage(taskId, "deleted", true, lastAttempt, null, null, null, timeProvider.GetUtcNow()),
                            cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (task.State == lastState && task.Attempt == lastAttempt)
                    {
                        continue;
                    }

                    var terminal = task.State.IsTerminal();
                    await sender.SendToTaskAsync(
                        taskId, VigilHubMethods.TaskState, RealtimeEvents.ToStateMessage(task, timeProvider.GetUtcNow()), cancellationToken)
                        .ConfigureAwait(false);

                    // Record only after the push: a push that throws is tried again at the next poll.
                    subscriptions.Observed(taskId, task.State, task.Attempt, stopWatching: terminal);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Keep watching: the subscribers get the state once the storage answers again.
                    Log.StatePollFailed(logger, ex);
                    break;
                }
            }

            using var interval = new CancellationTokenSource(_options.StatePollInterval, timeProvider);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interval.Token);
            try
            {
                await _stateWake.WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The interval passed without a wake-up: poll as usual.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
