using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil.Processing;

namespace Vigil.Hosting;

/// <summary>Starts and stops this process's worker with the host, when <see cref="VigilOptions.RunWorker"/> says so.</summary>
internal sealed class VigilWorkerHostedService(IServiceProvider services, IOptions<VigilOptions> options) : IHostedService
{
    private VigilWorker? _worker;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RunWorker)
        {
            return Task.CompletedTask;
        }

        _worker = services.GetRequiredService<VigilWorker>();
        return _worker.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
