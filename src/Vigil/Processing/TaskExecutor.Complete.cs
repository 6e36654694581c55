using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.Realtime;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Processing;

/// <content>Storing an attempt's outcome, counting it, and announcing it.</content>
internal sealed partial class TaskExecutor
{
    /// <summary>How many times a completion is tried before the task is left to its lease (another worker takes it over).</summary>
    private const int MaxCompleteTries = 5;

    /// <param name="inFlight">The task.</param>
    /// <param name="completion">Its outcome.</param>
    /// <param name="ran">Whether its handler ran (an attempt given back unrun is not counted nor timed).</param>
    private async Task CompleteAsync(InFlightTask inFlight, TaskCompletion completion, bool ran = true)
    {
        var task = inFlight.Task;
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            bool stored;
            try
            {
                // Acknowledge only after the outcome is stored: until CompleteAsync returns, the task stays in flight and its
                // lease is renewed, so a crash here leaves it to be taken over by another worker, never lost.
                stored = await _storage.CompleteAsync(completion, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < MaxCompleteTries && !inFlight.LeaseLost)
            {
                // The storage blinked: keep the outcome and try again; the lease is still renewed meanwhile.
                Log.CompleteRetrying(_logger, task.Id, completion.Outcome, attempt, ex);
                await Task.Delay(delay, _timeProvider, CancellationToken.None).ConfigureAwait(false);
                delay *= 2;
                continue;
            }
            catch (Exception ex)
            {
                // Give up: the lease expires and another worker runs the attempt again (at-least-once, nothing lost).
                Log.CompleteGaveUp(_logger, task.Id, completion.Outcome, attempt, ex);
                _runEnded(inFlight);
                return;
            }

            if (!stored)
            {
                // Fencing: another worker took the task over (or it was deleted); its state is not ours to write.
                Log.CompletionRejected(_logger, task.Id, task.Attempt, completion.Outcome);
                _runEnded(inFlight);
                return;
            }

            // Stored: the lease is no longer this worker's to renew. The state event below is a courtesy that no slot
            // and no lease waits for.
            if (ran)
            {
                Record(task, completion);
            }

            _runEnded(inFlight);
            if (_options.PublishStateEvents)
            {
                await PublishStateAsync(task, completion).ConfigureAwait(false);
            }

            return;
        }
    }

    private void Record(ClaimedTask task, TaskCompletion completion)
    {
        var failed = completion.Outcome is CompletionOutcome.Retry or CompletionOutcome.Dead;
        if (completion.Outcome != CompletionOutcome.Released)
        {
            _counters.AddProcessed(failed);
        }

        if (failed)
        {
            _metrics.TaskFailed(task.Queue, task.Type);
        }

        if (completion.TimedOut)
        {
            _metrics.TaskTimedOut(task.Queue, task.Type);
        }

        switch (completion.Outcome)
        {
            case CompletionOutcome.Succeeded:
                _metrics.TaskSucceeded(task.Queue, task.Type);
                Log.Succeeded(_logger, task.Id, task.Attempt, completion.RunTime);
                break;
            case CompletionOutcome.Retry:
                _metrics.TaskRetried(task.Queue, task.Type);
                Log.Retrying(_logger, task.Id, task.Attempt, task.MaxAttempts, completion.RetryAt, completion.Error?.Type);
                break;
            case CompletionOutcome.Dead:
                _metrics.TaskDead(task.Queue, task.Type);
                Log.Dead(_logger, task.Id, task.Attempt, completion.Error?.Type, completion.Error?.Message);
                break;
            default:
                break;
        }

        _metrics.RecordDuration(task.Queue, task.Type, OutcomeName(completion), completion.RunTime);
    }

    private async Task PublishStateAsync(ClaimedTask task, TaskCompletion completion)
    {
        var state = completion.Outcome switch
        {
            CompletionOutcome.Succeeded => TaskState.Succeeded,
            CompletionOutcome.Retry => TaskState.Retrying,
            CompletionOutcome.Dead => TaskState.Dead,
            CompletionOutcome.Cancelled => TaskState.Cancelled,
            _ => TaskState.Queued,
        };
        var data = JsonSerializer.Serialize(
            new TaskStateData(state.ToWireName(), task.Type, task.Queue, task.Attempt, completion.Error?.Message),
            RealtimeJsonContext.Default.TaskStateData);
        try
        {
            await _storage.PublishEventAsync(
                new VigilEvent { Kind = "task.state", TaskId = task.Id, Data = data, At = _timeProvider.GetUtcNow() },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The state is stored; the event only spares watching browsers a refresh. A failure here harms nothing.
            Log.StateEventFailed(_logger, task.Id, ex);
        }
    }

    /// <summary>The <c>vigil.task.outcome</c> span tag: the outcome's name, without formatting an enum per task.</summary>
    private static string OutcomeTagValue(CompletionOutcome outcome) => outcome switch
    {
        CompletionOutcome.Succeeded => nameof(CompletionOutcome.Succeeded),
        CompletionOutcome.Retry => nameof(CompletionOutcome.Retry),
        CompletionOutcome.Dead => nameof(CompletionOutcome.Dead),
        CompletionOutcome.Cancelled => nameof(CompletionOutcome.Cancelled),
        CompletionOutcome.Released => nameof(CompletionOutcome.Released),
        _ => outcome.ToString(),
    };

    private static string OutcomeName(TaskCompletion completion) => completion.Outcome switch
    {
        CompletionOutcome.Succeeded => "succeeded",
        CompletionOutcome.Cancelled => "cancelled",
        CompletionOutcome.Released => "released",
        _ when completion.TimedOut => "timed-out",
        CompletionOutcome.Dead when completion.RunTime == TimeSpan.Zero => "dead",
        _ => "failed",
    };
}
