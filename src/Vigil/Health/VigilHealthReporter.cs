using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Vigil.Probes;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Health;

/// <summary>
/// Reads workers, queues, statistics and probe tasks from the storage and judges them into a
/// <see cref="VigilHealthSnapshot"/>. Reuses a reading for <see cref="VigilHealthOptions.SnapshotCacheDuration"/> so that
/// the checks of one <c>/health</c> request read the storage once. Never throws: a failed reading is a snapshot with an
/// <see cref="VigilHealthSnapshot.Error"/>.
/// </summary>
internal sealed class VigilHealthReporter
{
    private readonly IVigilStorage _storage;
    private readonly IOptionsMonitor<VigilHealthOptions> _options;
    private readonly IOptionsMonitor<SentinelOptions> _sentinelOptions;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private Task<VigilHealthSnapshot>? _cached;
    private long _cachedAt;

    public VigilHealthReporter(
        IVigilStorage storage, IOptionsMonitor<VigilHealthOptions> options, IOptionsMonitor<SentinelOptions> sentinelOptions,
        TimeProvider timeProvider)
    {
        _storage = storage;
        _options = options;
        _sentinelOptions = sentinelOptions;
        _timeProvider = timeProvider;
    }

    /// <summary>The last snapshot that completed, for gauges (never blocks); <see langword="null"/> before the first.</summary>
    public VigilHealthSnapshot? Latest { get; private set; }

    /// <summary>Returns a snapshot no older than the cache duration, reading the storage when needed.</summary>
    /// <param name="cancellationToken">Cancels the wait (the shared reading goes on, bounded by its own timeout).</param>
    /// <returns>The snapshot.</returns>
    public Task<VigilHealthSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        Task<VigilHealthSnapshot> task;
        lock (_gate)
        {
            var cacheFor = _options.CurrentValue.SnapshotCacheDuration;
            if (_cached is null || (_cached.IsCompleted && _timeProvider.GetElapsedTime(_cachedAt) >= cacheFor))
            {
                _cachedAt = _timeProvider.GetTimestamp();
                _cached = ReadAsync();
            }

            task = _cached;
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>Reads and judges the storage now, bypassing the cache.</summary>
    /// <returns>The snapshot.</returns>
    public async Task<VigilHealthSnapshot> ReadAsync()
    {
        var options = _options.CurrentValue;
        using var timeout = new CancellationTokenSource(options.ReportTimeout, _timeProvider);
        VigilHealthSnapshot snapshot;
        try
        {
            snapshot = await ReadCoreAsync(options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            snapshot = new VigilHealthSnapshot
            {
                At = _timeProvider.GetUtcNow(),
                Error = $"the storage ({_storage.EngineName} at {_storage.Location}) did not answer within {HealthFormat.Age(options.ReportTimeout)}",
            };
        }
#pragma warning disable CA1031 // A health reading reports every failure as a result, never throws (house rule).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            snapshot = new VigilHealthSnapshot
            {
                At = _timeProvider.GetUtcNow(),
                Error = $"the storage ({_storage.EngineName} at {_storage.Location}) could not be read: {ex.Message}",
            };
        }

        Latest = snapshot;
        return snapshot;
    }

    private async Task<VigilHealthSnapshot> ReadCoreAsync(VigilHealthOptions options, CancellationToken cancellationToken)
    {
        // The four readings are independent: asked at once, they cost one wait for the storage, not four in a row (a
        // health report answers sooner, and an idle sentinel wakes its process fewer times per round).
        var now = _timeProvider.GetUtcNow();
        var windowStart = now - options.FailureRatioWindow;
        var readingWorkers = _storage.GetWorkersAsync(cancellationToken).AsTask();
        var readingQueues = _storage.GetQueuesAsync(cancellationToken).AsTask();
        var readingBuckets = _storage.GetStatisticsAsync(
            new StatisticsQuery
            {
                From = new DateTimeOffset(windowStart.Year, windowStart.Month, windowStart.Day, windowStart.Hour, windowStart.Minute, 0, TimeSpan.Zero),
                To = now.AddMinutes(1),
            },
            cancellationToken).AsTask();
        var readingProbes = ProbeStatusReader.ReadAsync(_storage, now, _sentinelOptions.CurrentValue.Deadline, cancellationToken).AsTask();
        await Task.WhenAll(readingWorkers, readingQueues, readingBuckets, readingProbes).ConfigureAwait(false);
        var (workers, queues, buckets, probes) = (readingWorkers.Result, readingQueues.Result, readingBuckets.Result, readingProbes.Result);
        var leasesHeld = await CountLeasesOfGoneWorkersAsync(workers, now, options, cancellationToken).ConfigureAwait(false);
        return Judge(now, workers, queues, buckets, probes, options, leasesHeld);
    }

    /// <summary>
    /// For each gone worker still in the report, how many running tasks still carry its lease (not yet taken over by a
    /// living worker). Read only while there is such a worker: one page of running tasks per queue it consumed.
    /// </summary>
    private async Task<Dictionary<string, int>> CountLeasesOfGoneWorkersAsync(
        IReadOnlyList<WorkerHeartbeat> workers, DateTimeOffset now, VigilHealthOptions options, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var gone = workers
            .Where(w => !WorkerHealthEvaluator.IsLive(w, now, options) && w.Status != WorkerStatuses.Stopped && now - w.HeartbeatAt <= options.ForgetWorkerAfter)
            .Select(w => w.WorkerId)
            .ToHashSet(StringComparer.Ordinal);
        if (gone.Count == 0)
        {
            return held;
        }

        var queues = workers.Where(w => gone.Contains(w.WorkerId)).SelectMany(w => w.Queues).Distinct(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            var running = await _storage.ListTasksAsync(
                new TaskQuery { State = TaskState.Running, Queue = queue, Limit = ProbeStatusReader.MaxProbeTasks }, cancellationToken).ConfigureAwait(false);
            foreach (var task in running.Tasks)
            {
                if (task.LeaseOwner is { } owner && gone.Contains(owner))
                {
                    held[owner] = held.GetValueOrDefault(owner) + 1;
                }
            }
        }

        return held;
    }

    /// <summary>Judges what was read. Pure, for tests.</summary>
    /// <param name="now">The time of the reading.</param>
    /// <param name="workers">Every worker record.</param>
    /// <param name="queues">Every queue summary.</param>
    /// <param name="buckets">The statistics of the failure-ratio window.</param>
    /// <param name="probes">Every probe target's state.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="leasesHeld">Per gone worker, how many running tasks still carry its lease; none when left out.</param>
    /// <returns>The judged snapshot.</returns>
    public static VigilHealthSnapshot Judge(
        DateTimeOffset now, IReadOnlyList<WorkerHeartbeat> workers, IReadOnlyList<QueueSummary> queues,
        IReadOnlyList<StatisticsBucket> buckets, IReadOnlyList<ProbeStatus> probes, VigilHealthOptions options,
        IReadOnlyDictionary<string, int>? leasesHeld = null)
    {
        var probeByTarget = probes.ToDictionary(p => p.Target, StringComparer.Ordinal);
        var live = workers.Where(w => WorkerHealthEvaluator.IsLive(w, now, options)).ToList();
        var liveIds = live.Select(w => w.WorkerId).ToHashSet(StringComparer.Ordinal);

        var workerHealth = new List<ComponentHealth>();
        foreach (var worker in workers)
        {
            var probe = probeByTarget.GetValueOrDefault(ProbeStatus.WorkerTarget(worker.WorkerId));
            var held = leasesHeld?.GetValueOrDefault(worker.WorkerId) ?? 0;
            if (WorkerHealthEvaluator.Evaluate(worker, probe, now, options, live, held) is { } health)
            {
                workerHealth.Add(health);
            }
        }

        // Every queue that has tasks, plus every queue a live worker consumes (it may be empty and still worth probing).
        var shared = queues.Where(q => !TaskNames.IsPrivateQueue(q.Name)).ToDictionary(q => q.Name, StringComparer.Ordinal);
        foreach (var queue in live.SelectMany(w => w.Queues))
        {
            shared.TryAdd(queue, new QueueSummary { Name = queue });
        }

        var counts = new Dictionary<string, QueueWindowCounts>(StringComparer.Ordinal);
        foreach (var bucket in buckets)
        {
            if (bucket.Type == ProbePayload.TaskType)
            {
                continue;
            }

            var c = counts.GetValueOrDefault(bucket.Queue);
            counts[bucket.Queue] = new QueueWindowCounts(c.Succeeded + bucket.Succeeded, c.Failed + bucket.Failed);
        }

        var queueRecords = shared.Values.OrderBy(q => q.Name, StringComparer.Ordinal).ToList();
        var queueHealth = queueRecords
            .Select(q => QueueHealthEvaluator.Evaluate(
                q,
                live.Count(w => w.Queues.Contains(q.Name, StringComparer.Ordinal)),
                counts.GetValueOrDefault(q.Name),
                probeByTarget.GetValueOrDefault(ProbeStatus.QueueTarget(q.Name)),
                now,
                options))
            .ToList();

        // A worker probe outlives its worker until the sentinel removes it: report only those of live workers.
        var probeRecords = probes.Where(p => p.WorkerId is null || liveIds.Contains(p.WorkerId)).ToList();
        var probeHealth = probeRecords.Select(p => JudgeProbe(p, now)).ToList();

        return new VigilHealthSnapshot
        {
            At = now,
            WorkerRecords = workers,
            QueueRecords = queueRecords,
            ProbeRecords = probeRecords,
            AllProbeRecords = probes,
            Workers = workerHealth,
            Queues = queueHealth,
            Probes = probeHealth,
            LiveWorkers = live.Count,
        };
    }

    /// <summary>
    /// A probe on its own: a miss is degraded here, because the queue and worker checks make the real judgement (a backlog
    /// or a busy worker misses probes without being broken).
    /// </summary>
    internal static ComponentHealth JudgeProbe(ProbeStatus probe, DateTimeOffset now)
    {
        var data = new Dictionary<string, object>
        {
            ["target"] = probe.Target,
            ["kind"] = probe.Kind,
            ["queue"] = probe.Queue,
            ["deadlineSeconds"] = HealthFormat.Seconds(probe.Deadline),
        };
        WorkerHealthEvaluator.AddProbe(data, probe, now);
        WorkerHealthEvaluator.AddIfKnown(data, "lastCompletedAt", probe.LastCompletedAt);

        var latency = probe.LastLatency is { } l ? $"last consumed in {HealthFormat.Age(l)}" : "never consumed yet";
        return probe.State switch
        {
            ProbeState.Missed => new ComponentHealth("probe:" + probe.Target, HealthStatus.Degraded,
                $"probe {probe.Target} missed: it has waited {HealthFormat.Age(probe.PendingFor(now) ?? TimeSpan.Zero)} (deadline {HealthFormat.Age(probe.Deadline)}); {latency}", data),
            ProbeState.Failed => new ComponentHealth("probe:" + probe.Target, HealthStatus.Degraded,
                $"probe {probe.Target} was consumed but failed: {probe.LastError}", data),
            ProbeState.Pending => new ComponentHealth("probe:" + probe.Target, HealthStatus.Healthy,
                $"probe {probe.Target} is on its way ({HealthFormat.Age(probe.PendingFor(now) ?? TimeSpan.Zero)}); {latency}", data),
            _ => new ComponentHealth("probe:" + probe.Target, HealthStatus.Healthy, $"probe {probe.Target}: {latency}", data),
        };
    }
}
