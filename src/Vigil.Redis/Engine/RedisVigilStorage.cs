using Microsoft.Extensions.Logging;
using Vigil.Realtime;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Redis.Engine;

/// <summary>The Redis Streams storage engine.</summary>
internal sealed class RedisVigilStorage : IVigilStorage
{
    public RedisVigilStorage(RedisStorageOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _ = options;
        _ = timeProvider;
        _ = loggerFactory;
    }

    public string EngineName => "redis";

    public string Location => "redis";

    public Task InitializeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync( string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<long> PurgeAsync( DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public Task ResetConnectionAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");

    public ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken) => throw new InvalidOperationException("The Redis engine is being written.");
}
