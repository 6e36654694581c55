using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Vigil;
using Vigil.AspNetCore.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health server of a process that is not a web app.</summary>
public static class VigilHealthServerExtensions
{
    /// <summary>
    /// Serves <c>/health</c>, <c>/health/live</c> and <c>/health/ready</c> on <paramref name="urls"/> from a small Kestrel
    /// server beside the worker (for <c>vigil worker --health-urls</c>), and adds the Vigil health checks. The first URL
    /// goes into the worker's heartbeat.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="urls">The URLs, such as <c>http://127.0.0.1:8081</c>. None serves nothing.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilHealthServer(this IVigilBuilder builder, params IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(urls);
        builder.AddVigilHealthChecks();
        builder.Services.AddOptions<VigilHealthServerOptions>().Configure(o =>
        {
            foreach (var url in urls)
            {
                o.Urls.Add(url);
            }
        });
        builder.Services.TryAddSingleton<VigilHealthServer>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HostedHealthServer>());
        return builder;
    }

    private sealed class HostedHealthServer(VigilHealthServer server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);
    }
}
