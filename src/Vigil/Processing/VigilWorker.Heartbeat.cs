using Microsoft.Extensions.DependencyInjection;
using Vigil.Workers;

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

    private WorkerHeartbeat CreateHeartbeat()
    {
        var resources = SampleResources();
        return new WorkerHeartbeat
        {
            WorkerId = WorkerId,
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            Queues = Queues,
            Concurrency = _options.Concurrency,
            Status = Status,
            StartedAt = StartedAt,
            HeartbeatAt = _timeProvider.GetUtcNow(),
            LoopTickAt = LastLoopTick,
            InFlight = InFlight,
            Processed = Processed,
            Failed = Failed,
            CpuPercent = resources?.CpuPercent,
            WorkingSetBytes = resources?.WorkingSetBytes,
            GcHeapBytes = resources?.GcHeapBytes,
            ThreadPoolQueueLength = resources?.ThreadPoolQueueLength,
            Throughput = resources?.Throughput,
            Version = VigilVersion,
            HealthUrl = HealthUrl,
        };
    }

    private WorkerResources? SampleResources()
    {
        var sampler = _services.GetService<IWorkerResourceSampler>();
        if (sampler is null)
        {
            return null;
        }

        try
        {
            return sampler.Sample();
        }
        catch (Exception ex)
        {
            // A broken sampler must not cost the heartbeat that proves the worker alive.
            Log.SamplerFailed(_logger, ex);
            return null;
        }
    }
}
