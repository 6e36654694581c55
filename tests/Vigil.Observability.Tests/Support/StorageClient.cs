using Microsoft.Extensions.Logging;
using Vigil.Client;
using Vigil.Storage;

namespace Vigil.Observability.Tests.Support;

/// <summary>A client and storage on a SQLite file that child processes share, with no worker.</summary>
public sealed class StorageClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StorageClient(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<IVigilClient>();
        Storage = services.GetRequiredService<IVigilStorage>();
    }

    public IVigilClient Client { get; }

    public IVigilStorage Storage { get; }

    public static async Task<StorageClient> OpenSqliteAsync(string path)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.ClearProviders());
        services.AddVigil(o => o.RunWorker = false).UseSqlite(path);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IVigilStorage>().InitializeAsync(CancellationToken.None);
        return new StorageClient(provider);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
