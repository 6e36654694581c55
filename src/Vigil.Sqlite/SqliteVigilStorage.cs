using Microsoft.Extensions.Logging;
using Vigil.Realtime;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Sqlite;

/// <summary>The SQLite engine of <see cref="IVigilStorage"/> (skeleton: being filled in).</summary>
internal sealed class SqliteVigilStorage : IVigilStorage, IAsyncDisposable, IDisposable
{
    private readonly SqliteStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SqliteVigilStorage(SqliteStorageOptions options, TimeProvider timeProvider, ILogger<SqliteVigilStorage> logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string EngineName => SqliteStorage.EngineName;

    public string Location => _options.Path;

    public Task InitializeAsync(CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken) => throw Pending();

    public ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<long> PurgeAsync(DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken) => throw Pending();

    public ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken) => throw Pending();

    public ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken) => throw Pending();

    public ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken) => throw Pending();

    public Task ResetConnectionAsync(CancellationToken cancellationToken) => throw Pending();

    public ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken) => throw Pending();

    public ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken) => throw Pending();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
    }

    private NotSupportedException Pending()
    {
        _ = _timeProvider;
        _ = _logger;
        return new NotSupportedException("The SQLite engine is being written: this member is not there yet.");
    }
}
