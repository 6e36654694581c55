using Microsoft.Extensions.Time.Testing;
using Vigil.Statistics;
using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Storage.Conformance;

/// <summary>
/// The contract of <see cref="IVigilStorage"/>, stated once as tests. Each engine's test project subclasses it and says
/// how to make a fresh, isolated, initialized storage; every test here then runs against that engine.
/// </summary>
/// <remarks>
/// Time is a <see cref="FakeTimeProvider"/> given to the engine, so leases, due times, retention and lock lifetimes are
/// driven by <see cref="Time"/>. All times used here are whole milliseconds, the precision engines are expected to keep.
/// The tests are split by concern into partial files (<c>StorageConformanceTests.Claim.cs</c>...).
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    /// <summary>The start of the fake clock: a whole minute, so statistics buckets are predictable.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A lease length used by the tests.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly List<IVigilStorage> _storages = [];

    /// <summary>The clock of the storage under test.</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The current fake time.</summary>
    protected DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>
    /// Creates a fresh, isolated storage (its own file, key prefix or database) whose every time comes from
    /// <paramref name="timeProvider"/>, and initializes it (<see cref="IVigilStorage.InitializeAsync"/>).
    /// </summary>
    /// <param name="timeProvider">The clock the storage must use.</param>
    /// <returns>The initialized storage.</returns>
    protected abstract Task<IVigilStorage> CreateStorageAsync(TimeProvider timeProvider);

    /// <summary>Disposes a storage made by <see cref="CreateStorageAsync"/>. By default: its <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.</summary>
    /// <param name="storage">The storage.</param>
    /// <returns>A task that completes when it is disposed.</returns>
    protected virtual async ValueTask DisposeStorageAsync(IVigilStorage storage)
    {
        switch (storage)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await DisposeStorageAsync(storage);
        }
    }

    /// <summary>Creates the storage under test (disposed after the test).</summary>
    /// <returns>The storage.</returns>
    protected async Task<IVigilStorage> CreateSutAsync()
    {
        var storage = await CreateStorageAsync(Time);
        _storages.Add(storage);
        return storage;
    }

    // ---- Builders ------------------------------------------------------------------------------------------------------

    /// <summary>A new task with a fresh id.</summary>
    protected static NewTask NewTask(
        string queue = "default", string type = "test.work", DateTimeOffset? dueAt = null, string? key = null,
        int maxAttempts = 3, string payload = """{"n":1}""", TimeSpan? timeout = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Queue = queue,
        Payload = payload,
        MaxAttempts = maxAttempts,
        Timeout = timeout,
        DueAt = dueAt,
        IdempotencyKey = key,
    };

    /// <summary>A claim of up to <paramref name="maxCount"/> tasks under <see cref="Lease"/>.</summary>
    protected static ClaimRequest Claim(string workerId, int maxCount, params string[] queues) => new()
    {
        WorkerId = workerId,
        Queues = queues.Length == 0 ? ["default"] : queues,
        MaxCount = maxCount,
        LeaseDuration = Lease,
    };

    /// <summary>The completion of <paramref name="task"/>'s attempt by <paramref name="workerId"/>.</summary>
    protected static TaskCompletion Completion(
        ClaimedTask task, string workerId, CompletionOutcome outcome, TimeSpan? runTime = null, TaskError? error = null,
        DateTimeOffset? retryAt = null, string? result = null, bool timedOut = false) => new()
    {
        TaskId = task.Id,
        WorkerId = workerId,
        Attempt = task.Attempt,
        Outcome = outcome,
        RunTime = runTime ?? TimeSpan.FromMilliseconds(250),
        Error = error,
        RetryAt = retryAt,
        Result = result,
        TimedOut = timedOut,
    };

    // ---- Steps ----------------------------------------------------------------------------------------------------------

    /// <summary>Enqueues one task and returns its id.</summary>
    protected static async Task<string> EnqueueOneAsync(IVigilStorage storage, NewTask task)
    {
        var results = await storage.EnqueueAsync([task], CancellationToken.None);
        Assert.Single(results);
        Assert.False(results[0].Deduplicated);
        Assert.Equal(task.Id, results[0].Id);
        return results[0].Id;
    }

    /// <summary>Claims exactly one task from <paramref name="queues"/> (default queue when none).</summary>
    protected static async Task<ClaimedTask> ClaimOneAsync(IVigilStorage storage, string workerId, params string[] queues)
    {
        var claimed = await storage.ClaimAsync(Claim(workerId, 1, queues), CancellationToken.None);
        return Assert.Single(claimed);
    }

    /// <summary>Enqueues a task in <c>default</c> and claims it with <paramref name="workerId"/>.</summary>
    protected static async Task<ClaimedTask> EnqueueAndClaimAsync(IVigilStorage storage, string workerId = "worker-a", NewTask? task = null)
    {
        var id = await EnqueueOneAsync(storage, task ?? NewTask());
        var claimed = await ClaimOneAsync(storage, workerId, (task?.Queue) ?? "default");
        Assert.Equal(id, claimed.Id);
        return claimed;
    }

    /// <summary>Reads a task that must exist.</summary>
    protected static async Task<TaskRecord> GetAsync(IVigilStorage storage, string id)
    {
        var record = await storage.GetTaskAsync(id, CancellationToken.None);
        Assert.NotNull(record);
        return record;
    }

    /// <summary>The sum of all statistics buckets in the hour around <see cref="Start"/>, for one queue.</summary>
    protected async Task<StatisticsBucket> TotalsAsync(IVigilStorage storage, string queue = "default")
    {
        var buckets = await storage.GetStatisticsAsync(
            new StatisticsQuery { From = Start.AddHours(-1), To = Now.AddHours(1), Queue = queue }, CancellationToken.None);
        return new StatisticsBucket
        {
            Minute = Start,
            Queue = queue,
            Type = "*",
            Enqueued = buckets.Sum(b => b.Enqueued),
            Succeeded = buckets.Sum(b => b.Succeeded),
            Failed = buckets.Sum(b => b.Failed),
            Retried = buckets.Sum(b => b.Retried),
            TimedOut = buckets.Sum(b => b.TimedOut),
            Dead = buckets.Sum(b => b.Dead),
            RunCount = buckets.Sum(b => b.RunCount),
            RunTimeTotal = TimeSpan.FromTicks(buckets.Sum(b => b.RunTimeTotal.Ticks)),
            RunTimeMax = buckets.Count == 0 ? TimeSpan.Zero : buckets.Max(b => b.RunTimeMax),
            WaitCount = buckets.Sum(b => b.WaitCount),
            WaitTimeTotal = TimeSpan.FromTicks(buckets.Sum(b => b.WaitTimeTotal.Ticks)),
            WaitTimeMax = buckets.Count == 0 ? TimeSpan.Zero : buckets.Max(b => b.WaitTimeMax),
        };
    }

    // ---- Initialization -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task InitializeAsync_CalledAgain_IsIdempotent()
    {
        var storage = await CreateSutAsync();
        var id = await EnqueueOneAsync(storage, NewTask());

        await storage.InitializeAsync(CancellationToken.None);

        Assert.NotNull(await storage.GetTaskAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task EngineNameAndLocation_AreSet()
    {
        var storage = await CreateSutAsync();

        Assert.False(string.IsNullOrWhiteSpace(storage.EngineName));
        Assert.Equal(storage.EngineName.ToLowerInvariant(), storage.EngineName);
        Assert.False(string.IsNullOrWhiteSpace(storage.Location));
    }
}
