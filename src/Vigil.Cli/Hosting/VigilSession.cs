using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Cli.Storage;
using Vigil.Client;
using Vigil.Storage;

namespace Vigil.Cli.Hosting;

/// <summary>
/// The storage and client of a short command (<c>enqueue</c>, <c>tasks</c>, <c>queues</c>). The host is built, never
/// started: no worker, no hosted service runs in these processes.
/// </summary>
internal sealed class VigilSession : IAsyncDisposable
{
    private readonly IHost _host;

    private VigilSession(IHost host, StorageSpec spec, IVigilStorage storage)
    {
        _host = host;
        Spec = spec;
        Storage = storage;
        Client = host.Services.GetRequiredService<IVigilClient>();
    }

    /// <summary>The storage as given on the command line.</summary>
    public StorageSpec Spec { get; }

    /// <summary>The opened storage.</summary>
    public IVigilStorage Storage { get; }

    /// <summary>The client (validation of names, payloads and options happens here, as for any application).</summary>
    public IVigilClient Client { get; }

    /// <summary>Opens the storage.</summary>
    /// <param name="spec">The storage.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    public static async Task<VigilSession> OpenAsync(StorageSpec spec, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        VigilHostSetup.ConfigureCommandLogging(builder.Logging);
        builder.Services.AddVigilFromCommandLine(spec, new WorkerSettings { RunWorker = false });
        var host = builder.Build();
        try
        {
            var storage = await VigilHostSetup.InitializeStorageAsync(host.Services, spec, cancellationToken).ConfigureAwait(false);
            return new VigilSession(host, spec, storage);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }
}
