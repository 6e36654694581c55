using Vigil.Storage;

namespace Vigil.Processing;

/// <content>The consume loop: claim into free slots, run each task, wait for work.</content>
internal sealed partial class VigilWorker
{
    /// <summary>How often a frozen consume loop (fault injection) checks whether it may turn again.</summary>
    private static readonly TimeSpan FreezeCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off between claims while the storage fails.</summary>
    private static readonly TimeSpan MaxStorageBackoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While the shared queues keep every claim full, how often a claim also looks at the private queue (and, with every
    /// slot busy, how often the reserve slot looks there). A worker probe waits at most this long more under load; a
    /// claim per queue is a storage call, so looking at an empty private queue at every claim would double them.
    /// </summary>
    private static readonly TimeSpan PrivateQueueInterval = TimeSpan.FromMilliseconds(100);

    private async Task ConsumeLoopAsync(CancellationToken generation)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(generation, _stopping.Token);
        var token = linked.Token;

        // The loop waits for a free slot on a bare signal. This one timer (for the loop's life, not one per wait) and the
        // token's registration end that wait too, so the loop turns, and ticks, at least once per poll interval.
        using var pulse = _timeProvider.CreateTimer(static s => ((VigilWorker)s!).WakeConsumer(), this, _options.PollInterval, _options.PollInterval);
        using var cancelled = token.UnsafeRegister(static s => ((VigilWorker)s!).WakeConsumer(), this);
        var failures = 0;

        // Whether the last claim got fewer tasks than it asked for: the shared queues ran dry, so the next claim looks at
        // the private queue as well before the loop may go to sleep.
        var drained = true;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_freezeConsumeLoop)
                {
                    // Fault injection: a zombie loop. It awaits without ticking; the heartbeat shows the tick ageing.
                    await Task.Delay(FreezeCheckInterval, _timeProvider, token).ConfigureAwait(false);
                    continue;
                }

                Tick();
                if (RecycleRequested)
                {
                    // Draining for a recycle: take nothing new; the host's stop follows.
                    await Task.Delay(_options.PollInterval, _timeProvider, token).ConfigureAwait(false);
                    continue;
                }

                var free = FreeSlots();
                if (free <= 0)
                {
                    await ClaimReserveAsync(token).ConfigureAwait(false);
                    await WaitForSlotAsync(token).ConfigureAwait(false);
                    continue;
                }

                var withPrivate = drained || PrivateQueueDue();
                if (withPrivate)
                {
                    _lastPrivateCheck = _timeProvider.GetTimestamp();
                }

                var claimed = await _storage.ClaimAsync(
                    new ClaimRequest { WorkerId = WorkerId, Queues = withPrivate ? _claimQueues : Queues, MaxCount = free, LeaseDuration = _options.LeaseDuration },
                    token).ConfigureAwait(false);
                if (failures > 0)
                {
                    Log.StorageRecovered(_logger, "consume", failures);
                    failures = 0;
                }

                for (var i = 0; i < claimed.Count; i++)
                {
                    StartTask(claimed[i]);
                }

                drained = claimed.Count < free;
                if (claimed.Count == 0 && withPrivate)
                {
                    await _storage.WaitForWorkAsync(_claimQueues, _options.PollInterval, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The consume loop must outlive any storage fault: log the first failure of an incident (not every retry),
                // back off, and go on. Its tick keeps turning, so health sees a struggling worker, not a zombie.
                failures++;
                if (failures == 1)
                {
                    Log.ConsumeFailed(_logger, WorkerId, ex);
                }

                await DelayQuietlyAsync(Backoff(failures), token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Slots free for new tasks: the concurrency less the handlers running. Outcomes still being stored do not hold a slot,
    /// but at most as many as the concurrency may wait to be stored, so a storage that takes claims and refuses completions
    /// cannot pile up leases here.
    /// </summary>
    private int FreeSlots() =>
        Math.Min(_options.Concurrency - Volatile.Read(ref _busySlots), (2 * _options.Concurrency) - _inFlight.Count);

    private bool PrivateQueueDue() => _timeProvider.GetElapsedTime(_lastPrivateCheck) >= PrivateQueueInterval;

    /// <summary>
    /// With every slot busy, still serve the private queue through one reserve slot: a worker probe then proves the
    /// worker consumes even while long tasks fill its slots, instead of raising a false zombie alarm.
    /// </summary>
    private async Task ClaimReserveAsync(CancellationToken token)
    {
        if (!PrivateQueueDue() || Interlocked.CompareExchange(ref _reserveInUse, 1, 0) != 0)
        {
            return;
        }

        _lastPrivateCheck = _timeProvider.GetTimestamp();
        var started = false;
        try
        {
            var claimed = await _storage.ClaimAsync(
                new ClaimRequest { WorkerId = WorkerId, Queues = _privateQueueOnly, MaxCount = 1, LeaseDuration = _options.LeaseDuration },
                token).ConfigureAwait(false);
            if (claimed.Count > 0)
            {
                StartTask(claimed[0], reserve: true);
                started = true;
            }
        }
        finally
        {
            if (!started)
            {
                Volatile.Write(ref _reserveInUse, 0);
            }
        }
    }

    /// <summary>Waits until a slot frees, the loop's pulse fires or its token is cancelled.</summary>
    private async Task WaitForSlotAsync(CancellationToken token)
    {
        // Continuations run asynchronously: whoever frees a slot (a run, the pulse timer, a cancel) goes on at once.
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _slotWaiter, waiter);

        // Checked after the waiter is visible: a slot freed between the caller's look and now has woken it, or shows here.
        if (FreeSlots() > 0 || token.IsCancellationRequested)
        {
            Interlocked.CompareExchange(ref _slotWaiter, null, waiter);
            return;
        }

        await waiter.Task.ConfigureAwait(false);
    }

    private void WakeConsumer() => Interlocked.Exchange(ref _slotWaiter, null)?.TrySetResult();

    private void StartTask(ClaimedTask task, bool reserve = false)
    {
        var inFlight = new InFlightTask(task, _abort.Token, _timeProvider.GetTimestamp(), _releaseSlot) { Reserve = reserve };
        if (!reserve)
        {
            Interlocked.Increment(ref _busySlots);
        }

        // Registered before it runs, so the renewal loop renews its lease from the first tick.
        var previous = _inFlight.GetValueOrDefault(task.Id);
        _inFlight[task.Id] = inFlight;

        // This worker claimed again a task it still runs (its own lease expired while renewals failed): the older attempt
        // is superseded and must not complete (fencing would refuse it anyway).
        previous?.MarkLeaseLost();
        inFlight.Execution = RunTaskAsync(inFlight);
    }

    private async Task RunTaskAsync(InFlightTask inFlight)
    {
        // Off the consume loop's thread before anything runs: the handler runs inline in this run, and one that blocks must
        // hold neither the loop nor the other tasks of this claim.
        await Task.Yield();
        try
        {
            await _executor.ExecuteAsync(inFlight).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug in the executor must not kill the slot: the task's lease expires and another worker takes it over.
            Log.ExecutionCrashed(_logger, inFlight.Task.Id, ex);
        }
        finally
        {
            EndRun(inFlight);
        }
    }

    /// <summary>A handler is done: its slot takes the next task (its outcome may still be being stored).</summary>
    private void ReleaseSlot(InFlightTask inFlight)
    {
        if (inFlight.Reserve)
        {
            Volatile.Write(ref _reserveInUse, 0);
        }
        else
        {
            Interlocked.Decrement(ref _busySlots);
        }

        WakeConsumer();
    }

    /// <summary>
    /// The run's outcome is stored (or left to the lease): acknowledge after storing, so only now does the task leave the
    /// renewal loop. Idempotent: the executor calls it once the outcome is stored, the run's end again.
    /// </summary>
    private void EndRun(InFlightTask inFlight)
    {
        inFlight.ReleaseSlot();
        if (_inFlight.TryRemove(new KeyValuePair<string, InFlightTask>(inFlight.Task.Id, inFlight))
            && _inFlight.Count >= (2 * _options.Concurrency) - 1)
        {
            // The loop may be waiting on the cap of outcomes being stored, not on a slot.
            WakeConsumer();
        }

        inFlight.Dispose();
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = _options.PollInterval * Math.Pow(2, Math.Min(failures - 1, 10));
        return delay > MaxStorageBackoff ? MaxStorageBackoff : delay;
    }

    private async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping or restarting: the loop's condition ends it.
        }
    }
}
