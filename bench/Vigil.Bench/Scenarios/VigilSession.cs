using Microsoft.Extensions.DependencyInjection;
using Vigil.Bench.Worker;
using Vigil.Client;
using Vigil.Statistics;
using Vigil.Storage;

namespace Vigil.Bench.Scenarios;

/// <summary>The harness's own Vigil client (enqueue only, no worker) on one storage.</summary>
internal sealed class VigilSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private VigilSession(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<IVigilClient>();
        Storage = services.GetRequiredService<IVigilStorage>();
    }

    /// <summary>The client.</summary>
    public IVigilClient Client { get; }

    /// <summary>The storage, for the statistics check.</summary>
    public IVigilStorage Storage { get; }

    /// <summary>Opens a client on a storage and makes sure its schema exists.</summary>
    /// <param name="storage"><c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    public static async Task<VigilSession> OpenAsync(string storage, CancellationToken cancellationToken)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        BenchStorage.Use(collection.AddVigil(o => o.RunWorker = false), storage);
        var services = collection.BuildServiceProvider();
        try
        {
            var session = new VigilSession(services);
            await session.Storage.InitializeAsync(cancellationToken);
            return session;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>Tasks of the given queues that are not finished yet (ready, delayed or running).</summary>
    /// <param name="queues">The queues.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count, and the dead tasks among the queues.</returns>
    public async Task<(long Pending, long Dead)> PendingAsync(IReadOnlyCollection<string> queues, CancellationToken cancellationToken)
    {
        long pending = 0;
        long dead = 0;
        foreach (var summary in await Client.GetQueuesAsync(cancellationToken))
        {
            if (queues.Contains(summary.Name))
            {
                pending += summary.Ready + summary.Delayed + summary.Running;
                dead += summary.Dead;
            }
        }

        return (pending, dead);
    }

    /// <summary>Succeeded tasks of a task type counted by the storage's statistics since an hour ago.</summary>
    /// <param name="taskType">The task type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public async Task<long> SucceededAsync(string taskType, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var buckets = await Storage.GetStatisticsAsync(
            new StatisticsQuery { From = now.AddHours(-1), To = now.AddHours(1), Type = taskType }, cancellationToken);
        return buckets.Sum(b => b.Succeeded);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
