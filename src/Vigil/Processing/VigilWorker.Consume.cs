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

    /// <summary>
    /// Tasks are claimed ahead only while handlers run shorter than this on average (a moving average over the last eight
    /// or so, which starts at twice this, so the first handlers must show it).
    /// </summary>
    private static readonly TimeSpan ClaimAheadMaxRunTime = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How many tasks per slot may be claimed ahead of free slots (while handlers are short): Celery's default prefetch
    /// multiplier. Measured with bench (redis, 20,000 no-op tasks, 8 slots): one task per slot ahead and two outcomes per
    /// slot being stored kept the second half of a drain at 20-22,000 tasks/s; four and four, 30-32,000.
    /// </summary>
    private const int ClaimAheadPerSlot = 4;

    /// <summary>
    /// How many outcomes per slot may wait to be stored (group commit) before the slots stop taking tasks. Measured with bench
    /// (redis, Native AOT worker, 20,000 no-op tasks, 8 slots, 2 × 8 alternating observability on/off pairs per setting):
    /// 4 per slot 29,000-31,000 tasks/s, 8 per slot 34,200-34,600, 16 per slot 34,100-34,400 (Redis waited on the worker's
    /// group commits less). Claiming 8 ahead instead of 4 as well: 35,800-36,600, not taken (twice Celery's prefetch).
    /// </summary>
    private const int StoringPerSlot = 8;

    /// <summary>The longest a task claimed ahead waits for a slot before it is given back to its queue.</summary>
    private static readonly TimeSpan ClaimAheadHold = TimeSpan.FromSeconds(1);

    /// <summary>How long claiming ahead pauses after tasks claimed ahead had to be given back.</summary>
    private static readonly TimeSpan ClaimAheadPause = TimeSpan.FromSeconds(30);

    private readonly Queue<InFlightTask> _ahead = new();
    private readonly Lock _aheadGate = new();
    private int _aheadCount;
    // Starts as "long": claiming ahead waits until a few handlers have been seen to run short.
    private long _averageRunTicks = 2 * ClaimAheadMaxRunTime.Ticks;
    private long _lastAheadReleased;

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
        var stoppedClaiming = false;
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
                    // Draining for a recycle: take nothing new (nor let the storage hold any for this worker); the host's
                    // stop follows.
                    if (!stoppedClaiming)
                    {
                        stoppedClaiming = true;
                        await StopClaimingQuietlyAsync().ConfigureAwait(false);
                    }

                    await Task.Delay(_options.PollInterval, _timeProvider, token).ConfigureAwait(false);
                    continue;
                }

                ReleaseStaleAhead();
                StartClaimedAhead();
                var free = FreeSlots();
                var ahead = ClaimAheadRoom(drained);
                if (free + ahead <= 0)
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

                var asked = free + ahead;
                var claimed = await _storage.ClaimAsync(
                    new ClaimRequest { WorkerId = WorkerId, Queues = withPrivate ? _claimQueues : Queues, MaxCount = asked, LeaseDuration = _options.LeaseDuration },
                    token).ConfigureAwait(false);
                if (failures > 0)
                {
                    Log.StorageRecovered(_logger, "consume", failures);
                    failures = 0;
                }

                for (var i = 0; i < claimed.Count; i++)
                {
                    // Slots may have freed while the claim was out: fill them first, keep the rest ahead.
                    if (FreeSlots() > 0)
                    {
                        StartTask(claimed[i]);
                    }
                    else
                    {
                        KeepAhead(claimed[i]);
                    }
                }

                // Ran dry with every queue looked at: nothing more is ready, so wait for work rather than claim again
                // for nothing (the engine may take this claim as its look; see IVigilStorage.WaitForWorkAsync).
                drained = claimed.Count < asked;
                if (drained && withPrivate)
                {
                    // The engine's wait ends by the poll interval itself: meanwhile the pulse would only cost an idle
                    // worker a thread-pool wake-up per interval for nothing.
                    pulse.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    try
                    {
                        await _storage.WaitForWorkAsync(_claimQueues, _options.PollInterval, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        pulse.Change(_options.PollInterval, _options.PollInterval);
                    }
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
    /// but at most <see cref="StoringPerSlot"/> per slot may wait to be stored (running ones included), so a storage that
    /// takes claims and refuses completions cannot pile up leases here.
    /// </summary>
    private int FreeSlots() =>
        Math.Min(_options.Concurrency - Volatile.Read(ref _busySlots), (StoringPerSlot * _options.Concurrency) - (_inFlight.Count - Volatile.Read(ref _aheadCount)));

    /// <summary>
    /// How many tasks to claim ahead of free slots: while a backlog keeps the claims full and handlers are short, up to
    /// <see cref="ClaimAheadPerSlot"/> per slot, so a freed slot starts its next task at once instead of waiting for a
    /// claim's round trip, and each claim carries many tasks. None when the queues ran dry, when handlers run long (a task claimed ahead would wait
    /// for a slot while another worker could run it), or soon after tasks claimed ahead had to be given back.
    /// </summary>
    private int ClaimAheadRoom(bool drained)
    {
        if (drained
            || Interlocked.Read(ref _averageRunTicks) > ClaimAheadMaxRunTime.Ticks
            || (_lastAheadReleased != 0 && _timeProvider.GetElapsedTime(_lastAheadReleased) < ClaimAheadPause))
        {
            return 0;
        }

        var room = (ClaimAheadPerSlot * _options.Concurrency) - Volatile.Read(ref _aheadCount);
        return Math.Max(0, Math.Min(room, ((StoringPerSlot + ClaimAheadPerSlot) * _options.Concurrency) - _inFlight.Count));
    }

    /// <summary>Keeps a claimed task to start when a slot frees; its lease is renewed meanwhile.</summary>
    private void KeepAhead(ClaimedTask task)
    {
        var inFlight = Register(task, reserve: false);
        lock (_aheadGate)
        {
            _ahead.Enqueue(inFlight);
            _aheadCount = _ahead.Count;
        }
    }

    private InFlightTask? TakeAhead()
    {
        lock (_aheadGate)
        {
            if (!_ahead.TryDequeue(out var next))
            {
                return null;
            }

            _aheadCount = _ahead.Count;
            return next;
        }
    }

    /// <summary>Starts tasks claimed ahead in the free slots (unless stopping: those go back to their queue at the stop).</summary>
    private void StartClaimedAhead()
    {
        while (!_stopping.IsCancellationRequested && Volatile.Read(ref _aheadCount) > 0 && FreeSlots() > 0 && TakeAhead() is { } next)
        {
            Run(next);
        }
    }

    /// <summary>
    /// Gives back tasks claimed ahead that still wait for a slot after <see cref="ClaimAheadHold"/> (the slots turned out to
    /// be held by long handlers), so that another worker runs them; and pauses claiming ahead for a while.
    /// </summary>
    private void ReleaseStaleAhead()
    {
        if (Volatile.Read(ref _aheadCount) == 0)
        {
            return;
        }

        List<InFlightTask>? stale = null;
        lock (_aheadGate)
        {
            while (_ahead.TryPeek(out var oldest) && _timeProvider.GetElapsedTime(oldest.ClaimedTimestamp) >= ClaimAheadHold)
            {
                (stale ??= []).Add(_ahead.Dequeue());
            }

            _aheadCount = _ahead.Count;
        }

        if (stale is not null)
        {
            _lastAheadReleased = _timeProvider.GetTimestamp();
            foreach (var inFlight in stale)
            {
                _ = _executor.ReleaseUnrunAsync(inFlight, "claimed ahead, no slot freed in time");
            }
        }
    }

    /// <summary>Gives back every task claimed ahead (the worker stops: it starts nothing more).</summary>
    private async Task ReleaseAllAheadAsync()
    {
        List<Task>? releases = null;
        while (TakeAhead() is { } inFlight)
        {
            (releases ??= []).Add(_executor.ReleaseUnrunAsync(inFlight, "the worker stops"));
        }

        if (releases is not null)
        {
            await Task.WhenAll(releases).ConfigureAwait(false);
        }
    }

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

    private void StartTask(ClaimedTask task, bool reserve = false) => Run(Register(task, reserve));

    /// <summary>Registers a claimed task, so the renewal loop renews its lease from the first tick.</summary>
    private InFlightTask Register(ClaimedTask task, bool reserve)
    {
        var inFlight = new InFlightTask(task, _abort.Token, _timeProvider.GetTimestamp(), _releaseSlot) { Reserve = reserve };
        var previous = _inFlight.GetValueOrDefault(task.Id);
        _inFlight[task.Id] = inFlight;

        // This worker claimed again a task it still holds (its own lease expired while renewals failed): the older attempt
        // is superseded and must not complete (fencing would refuse it anyway).
        previous?.MarkLeaseLost();
        return inFlight;
    }

    /// <summary>Takes a slot (the reserve's, or one of the concurrency) and runs the task in it.</summary>
    private void Run(InFlightTask inFlight)
    {
        if (!inFlight.Reserve)
        {
            Interlocked.Increment(ref _busySlots);
        }

        inFlight.TakeSlot();
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
            WakeConsumer();
            return;
        }

        // A rough moving average of handler run times (races between slots only blur it): it decides claiming ahead.
        // Probes are left out: always short, they would make a worker of long tasks look like one of short tasks.
        if (!string.Equals(inFlight.Task.Type, Tasks.TaskNames.ProbeTaskType, StringComparison.Ordinal))
        {
            var ran = _timeProvider.GetElapsedTime(inFlight.StartedTimestamp).Ticks;
            var average = Interlocked.Read(ref _averageRunTicks);
            Interlocked.Exchange(ref _averageRunTicks, average + ((ran - average) / 8));
        }

        Interlocked.Decrement(ref _busySlots);

        // The next task claimed ahead takes the slot at once, without waiting for the consume loop.
        if (!_stopping.IsCancellationRequested && Volatile.Read(ref _aheadCount) > 0 && TakeAhead() is { } next)
        {
            Run(next);
            if (Volatile.Read(ref _aheadCount) > ClaimAheadPerSlot * _options.Concurrency / 2)
            {
                return;
            }
        }

        // A slot is free, or the tasks claimed ahead run low: the loop claims.
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
            && _inFlight.Count - Volatile.Read(ref _aheadCount) >= (StoringPerSlot * _options.Concurrency) - 1)
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
