using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Vigil.Workers;

namespace Vigil.AspNetCore.Health;

/// <summary>
/// A small Kestrel server inside a process that is not a web app (a <c>vigil worker</c>), serving the Vigil health
/// endpoints of the process's own <see cref="HealthCheckService"/>, and <c>/metrics</c> when the process exports metrics
/// (<c>AddVigilOpenTelemetry()</c>). Its URL goes into the worker's heartbeat.
/// </summary>
internal sealed class VigilHealthServer : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly VigilHealthServerOptions _options;
    private readonly ILogger _logger;
    private WebApplication? _app;

    public VigilHealthServer(IServiceProvider services, IOptions<VigilHealthServerOptions> options, ILogger<VigilHealthServer> logger)
    {
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The addresses listened on, once started (port 0 resolved).</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Urls.Count == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls([.. _options.Urls]);
        builder.Logging.ClearProviders();

        // The parent host owns the process's signals and lifetime; this server only follows it.
        builder.Services.AddSingleton<IHostLifetime, FollowerLifetime>();
        builder.Services.AddSingleton(_services.GetRequiredService<HealthCheckService>());
        var app = builder.Build();
        app.MapVigilHealthChecks(_options.Path);

        // The worker's own counters (tasks run here) are scraped here too, when the process exports metrics.
        if (_services.GetService<MeterProvider>() is { } meterProvider)
        {
            app.MapPrometheusScrapingEndpoint("/metrics", meterProvider, configureBranchedPipeline: null, optionsName: null);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        Addresses = [.. app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses];
        if (_services.GetService<IVigilWorker>() is { } worker && Addresses.Count > 0)
        {
            worker.HealthUrl = Addresses[0].TrimEnd('/') + _options.Path;
        }

        Log.HealthServerStarted(_logger, string.Join(", ", Addresses), _options.Path);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A lifetime that neither waits for nor handles signals: the parent host does.</summary>
    private sealed class FollowerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
