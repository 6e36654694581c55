using Vigil.Realtime;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Tests.Support;

/// <summary>
/// Wraps a real storage with a switch per operation: while an operation's name is in <see cref="Failing"/> (or
/// <see cref="FailAll"/> is set), it throws <see cref="StorageUnavailableException"/> without reaching the storage —
/// one worker's network partition, while its peers still reach the same file.
/// </summary>
internal sealed class FaultyStorage(IVigilStorage inner) : IVigilStorage
{
    private int _failures;
    private int _workerReads;

    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

    public bool FailAll { get; set; }

    public int Failures => Volatile.Read(ref _failures);

    public IVigilStorage Inner => inner;

    public string EngineName => inner.EngineName;

    public string Location => inner.Location;

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken)
    {
        Check(nameof(EnqueueAsync));
        return inner.EnqueueAsync(tasks, cancellationToken);
    }

    public ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken)
    {
        Check(nameof(ClaimAsync));
        return inner.ClaimAsync(request, cancellationToken);
    }

    public ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        Check(nameof(RenewLeasesAsync));
        return inner.RenewLeasesAsync(workerId, taskIds, leaseDuration, cancellationToken);
    }

    public ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken)
    {
        Check(nameof(CompleteAsync));
        return inner.CompleteAsync(completion, cancellationToken);
    }

    public ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Check(nameof(WaitForWorkAsync));
        return inner.WaitForWorkAsync(queues, maxWait, cancellationToken);
    }

    public ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken) => inner.GetTaskAsync(taskId, cancellationToken);

    public ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => inner.ListTasksAsync(query, cancellationToken);

    public ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken) => inner.CancelAsync(taskId, cancellationToken);

    public ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken) => inner.RetryAsync(taskId, cancellationToken);

    public ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken) => inner.DeleteAsync(taskId, cancellationToken);

    public ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken) => inner.GetQueuesAsync(cancellationToken);

    public ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken) =>
        inner.GetStatisticsAsync(query, cancellationToken);

    public ValueTask<long> PurgeAsync(DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken)
    {
        Check(nameof(PurgeAsync));
        return inner.PurgeAsync(finishedBefore, deadBefore, statisticsBefore, cancellationToken);
    }

    public ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        Check(nameof(RecordHeartbeatAsync));
        return inner.RecordHeartbeatAsync(heartbeat, cancellationToken);
    }

    /// <summary>How many times the worker records were read (every health snapshot reads them once).</summary>
    public int WorkerReads => Volatile.Read(ref _workerReads);

    public ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _workerReads);
        return inner.GetWorkersAsync(cancellationToken);
    }

    public ValueTask StopClaimingAsync(string workerId, CancellationToken cancellationToken)
    {
        Check(nameof(StopClaimingAsync));
        return inner.StopClaimingAsync(workerId, cancellationToken);
    }

    public ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        Check(nameof(RemoveWorkerAsync));
        return inner.RemoveWorkerAsync(workerId, cancellationToken);
    }

    public ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Check(nameof(TryAcquireLockAsync));
        return inner.TryAcquireLockAsync(name, owner, ttl, cancellationToken);
    }

    public ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken) => inner.ReleaseLockAsync(name, owner, cancellationToken);

    public ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken) => inner.ProbeAsync(cancellationToken);

    public Task ResetConnectionAsync(CancellationToken cancellationToken) => inner.ResetConnectionAsync(cancellationToken);

    public ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken)
    {
        Check(nameof(PublishEventAsync));
        return inner.PublishEventAsync(vigilEvent, cancellationToken);
    }

    public ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(afterCursor, maxCount, cancellationToken);

    private void Check(string operation)
    {
        if (FailAll || Failing.Contains(operation))
        {
            Interlocked.Increment(ref _failures);
            throw new StorageUnavailableException($"Injected fault: {operation} cannot reach the storage.");
        }
    }
}
