using Vigil.Storage;

namespace Vigil.Processing;

/// <content>The consume loop: claim into free slots, run each task, wait for work.</content>
internal sealed partial class VigilWorker
{
    /// <summary>How often a frozen consume loop (fault injection) checks whether it may turn again.</summary>
    private static readonly TimeSpan FreezeCheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off between claims while the storage fails.</summary>
    private static readonly TimeSpan MaxStorageBackoff = TimeSpan.FromSeconds(30);

    private async Task ConsumeLoopAsync(CancellationToken generation)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(generation, _stopping.Token);
        var token = linked.Token;
        var failures = 0;
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

                var slotFreed = Volatile.Read(ref _slotFreed).Task;
                var free = _options.Concurrency - _inFlight.Count + Volatile.Read(ref _reserveInUse);
                if (free <= 0)
                {
                    await ClaimReserveAsync(token).ConfigureAwait(false);
                    await WaitQuietlyAsync(slotFreed, _options.PollInterval, token).ConfigureAwait(false);
                    continue;
                }

                var claimed = await _storage.ClaimAsync(
                    new ClaimRequest { WorkerId = WorkerId, Queues = _claimQueues, MaxCount = free, LeaseDuration = _options.LeaseDuration },
                    token).ConfigureAwait(false);
                if (failures > 0)
                {
                    Log.StorageRecovered(_logger, "consume", failures);
                    failures = 0;
                }

                foreach (var task in claimed)
                {
                    StartTask(task);
                }

                if (claimed.Count == 0)
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
    /// With every slot busy, still serve the private queue through one reserve slot: a worker probe then proves the
    /// worker consumes even while long tasks fill its slots, instead of raising a false zombie alarm.
    /// </summary>
    private async Task ClaimReserveAsync(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _reserveInUse, 1, 0) != 0)
        {
            return;
        }

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

    private void StartTask(ClaimedTask task, bool reserve = false)
    {
        var inFlight = new InFlightTask(task, _abort.Token, _timeProvider.GetTimestamp()) { Reserve = reserve };

        // Registered before it runs, so the renewal loop renews its lease from the first tick.
        var previous = _inFlight.GetValueOrDefault(task.Id);
        _inFlight[task.Id] = inFlight;

        // This worker claimed again a task it still runs (its own lease expired while renewals failed): the older attempt
        // is superseded and must not complete (fencing would refuse it anyway).
        previous?.MarkLeaseLost();
        inFlight.Execution = Task.Run(() => RunTaskAsync(inFlight), CancellationToken.None);
    }

    private async Task RunTaskAsync(InFlightTask inFlight)
    {
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
            // The slot frees only now, after the outcome was stored (or left to the lease): acknowledge after storing.
            _inFlight.TryRemove(new KeyValuePair<string, InFlightTask>(inFlight.Task.Id, inFlight));
            inFlight.Dispose();
            if (inFlight.Reserve)
            {
                Volatile.Write(ref _reserveInUse, 0);
            }

            Interlocked.Exchange(ref _slotFreed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = _options.PollInterval * Math.Pow(2, Math.Min(failures - 1, 10));
        return delay > MaxStorageBackoff ? MaxStorageBackoff : delay;
    }

    private async Task WaitQuietlyAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll again: the loop ticks at least once per poll interval even with all slots busy.
        }
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
