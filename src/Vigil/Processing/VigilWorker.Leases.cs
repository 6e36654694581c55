namespace Vigil.Processing;

/// <content>The renewal loop: one batch renewal for every in-flight task, every renew interval.</content>
internal sealed partial class VigilWorker
{
    private async Task RenewLoopAsync(CancellationToken token)
    {
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.LeaseRenewInterval, _timeProvider, token).ConfigureAwait(false);
                await RenewOnceAsync(token).ConfigureAwait(false);
                if (failures > 0)
                {
                    Log.StorageRecovered(_logger, "lease renewal", failures);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Keep renewing: one failed round costs nothing while the lease lasts; if the storage stays away longer
                // the leases expire and other workers take the tasks over (their completions here are then refused).
                failures++;
                if (failures == 1)
                {
                    Log.RenewFailed(_logger, WorkerId, _inFlight.Count, ex);
                }
            }
        }
    }

    /// <summary>Renews every in-flight lease in one round trip and acts on the answers.</summary>
    internal async Task RenewOnceAsync(CancellationToken cancellationToken)
    {
        var snapshot = _inFlight.Values.ToArray();
        if (snapshot.Length == 0)
        {
            return;
        }

        var ids = snapshot.Select(t => t.Task.Id).ToArray();
        var answers = await _storage.RenewLeasesAsync(WorkerId, ids, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var byId = snapshot.ToDictionary(t => t.Task.Id, StringComparer.Ordinal);
        foreach (var answer in answers)
        {
            if (!byId.TryGetValue(answer.TaskId, out var inFlight))
            {
                continue;
            }

            if (!answer.Held)
            {
                // Another worker owns it now: stop the handler and never complete it (fencing would refuse anyway).
                Log.LeaseNotHeld(_logger, answer.TaskId);
                inFlight.MarkLeaseLost();
            }
            else if (answer.CancelRequested && !inFlight.CancelRequested)
            {
                Log.CancelRequested(_logger, answer.TaskId);
                inFlight.MarkCancelRequested();
            }
        }
    }
}
