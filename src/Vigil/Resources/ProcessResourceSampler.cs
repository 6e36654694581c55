using Microsoft.Extensions.DependencyInjection;
using Vigil.Workers;

namespace Vigil.Resources;

/// <summary>
/// Samples this process with the runtime's own APIs (no /proc parsing): CPU from <see cref="Environment.CpuUsage"/>,
/// working set from <see cref="Environment.WorkingSet"/>, managed heap from <see cref="GC.GetGCMemoryInfo()"/>, the
/// thread-pool queue from <see cref="ThreadPool.PendingWorkItemCount"/>, and throughput from the worker's counter. CPU and
/// throughput are rates over the time since the previous sample (the heartbeat interval).
/// </summary>
internal sealed class ProcessResourceSampler : IWorkerResourceSampler
{
    private readonly TimeProvider _timeProvider;
    private readonly IServiceProvider _services;
    private readonly Lock _gate = new();
    private long _lastTimestamp;
    private TimeSpan _lastCpu;
    private long _lastProcessed;
    private IVigilWorker? _worker;
    private bool _workerResolved;

    // The worker is resolved lazily: it depends on this sampler, so asking for it in the constructor would be a cycle.
    public ProcessResourceSampler(TimeProvider timeProvider, IServiceProvider services)
    {
        _timeProvider = timeProvider;
        _services = services;
        _lastTimestamp = timeProvider.GetTimestamp();
        _lastCpu = Environment.CpuUsage.TotalTime;
    }

    public WorkerResources Sample()
    {
        lock (_gate)
        {
            var worker = Worker();
            var cpu = Environment.CpuUsage.TotalTime;
            var elapsed = _timeProvider.GetElapsedTime(_lastTimestamp);
            var processed = worker?.Processed ?? 0;
            double? cpuPercent = null;
            double? throughput = null;
            if (elapsed > TimeSpan.FromMilliseconds(50))
            {
                cpuPercent = Math.Max(0, (cpu - _lastCpu).TotalMilliseconds / elapsed.TotalMilliseconds * 100);
                throughput = worker is null ? null : Math.Max(0, (processed - _lastProcessed) / elapsed.TotalSeconds);
                _lastTimestamp = _timeProvider.GetTimestamp();
                _lastCpu = cpu;
                _lastProcessed = processed;
            }

            return new WorkerResources
            {
                CpuPercent = cpuPercent,
                WorkingSetBytes = Environment.WorkingSet,
                GcHeapBytes = GC.GetGCMemoryInfo().HeapSizeBytes,
                ThreadPoolQueueLength = ThreadPool.PendingWorkItemCount,
                Throughput = throughput,
            };
        }
    }

    private IVigilWorker? Worker()
    {
        if (!_workerResolved)
        {
            _worker = _services.GetService<IVigilWorker>();
            _workerResolved = true;
        }

        return _worker;
    }
}
