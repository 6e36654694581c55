namespace Vigil.Processing;

/// <content>The heartbeat loop, apart from the consume loop so a stuck consume loop is seen, not hidden.</content>
internal sealed partial class VigilWorker
{
    private async Task HeartbeatLoopAsync(CancellationToken token)
    {
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _storage.RecordHeartbeatAsync(CreateHeartbeat(), token).ConfigureAwait(false);
                if (failures > 0)
                {
                    Log.StorageRecovered(_logger, "heartbeat", failures);
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A missed heartbeat is what health reads as trouble; the loop itself must go on to write the next one.
                failures++;
                if (failures == 1)
                {
                    Log.HeartbeatFailed(_logger, WorkerId, ex);
                }
            }

            await DelayQuietlyAsync(_options.HeartbeatInterval, token).ConfigureAwait(false);
        }
    }
}
