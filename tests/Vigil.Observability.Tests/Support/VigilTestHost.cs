using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Alerts;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Recovery;

namespace Vigil.Observability.Tests.Support;

/// <summary>
/// A real Kestrel host on 127.0.0.1 (free port) with Vigil, its observability and the health and metrics endpoints, on
/// real storage. Fast thresholds so tests run in seconds.
/// </summary>
public sealed class VigilTestHost : IAsyncDisposable
{
    private VigilTestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<VigilTestHost> StartAsync(
        Action<IVigilBuilder> storage,
        bool runWorker = true,
        string[]? queues = null,
        Action<IVigilBuilder>? configure = null,
        Action<WebApplication>? map = null,
        Action<IServiceCollection>? services = null,
        int concurrency = 4)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var vigil = builder.Services.AddVigil(o =>
        {
            o.RunWorker = runWorker;
            if (queues is not null)
            {
                o.Queues.Clear();
                foreach (var queue in queues)
                {
                    o.Queues.Add(queue);
                }
            }

            o.Concurrency = concurrency;
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(300);
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.LeaseRenewInterval = TimeSpan.FromSeconds(1);
            o.ShutdownGracePeriod = TimeSpan.FromSeconds(2);
        });
        storage(vigil);
        vigil.AddVigilObservability()
            .AddVigilHealthChecks(o =>
            {
                o.HeartbeatDegradedAge = TimeSpan.FromSeconds(3);
                o.HeartbeatUnhealthyAge = TimeSpan.FromSeconds(6);
                o.LoopTickDegradedAge = TimeSpan.FromSeconds(3);
                o.LoopTickUnhealthyAge = TimeSpan.FromSeconds(6);
                o.SnapshotCacheDuration = TimeSpan.FromMilliseconds(200);
                o.StorageTimeout = TimeSpan.FromSeconds(1);
            })
            .AddVigilSentinel(o =>
            {
                o.Interval = TimeSpan.FromMilliseconds(500);
                o.Deadline = TimeSpan.FromSeconds(2);
                o.CheckInterval = TimeSpan.FromMilliseconds(200);
                o.LockDuration = TimeSpan.FromSeconds(3);
            })
            .AddVigilAlerts(o =>
            {
                o.Cooldown = TimeSpan.FromSeconds(1);
                o.ConfirmAfter = TimeSpan.FromSeconds(1);
            })
            .AddVigilRecovery(o =>
            {
                o.CheckInterval = TimeSpan.FromMilliseconds(200);
                o.LoopStaleAfter = TimeSpan.FromSeconds(3);
                o.StepTimeout = TimeSpan.FromSeconds(1);
            });
        configure?.Invoke(vigil);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapVigilHealthChecks();
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new VigilTestHost(app, new Uri(address));
    }

    /// <summary>GETs a health path and returns the HTTP status and the JSON report.</summary>
    public async Task<(int Status, JsonElement Report)> GetHealthAsync(string path = "/health")
    {
        using var response = await Http.GetAsync(path);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)response.StatusCode, json);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}

/// <summary>Reads parts of the Vigil health JSON.</summary>
public static class HealthJson
{
    public static string Status(this JsonElement report) => report.GetProperty("status").GetString()!;

    public static JsonElement Entry(this JsonElement report, string name) => report.GetProperty("entries").GetProperty(name);

    /// <summary>The component object (<c>worker:{id}</c>, <c>queue:{name}</c>...) inside an entry's data, if present.</summary>
    public static JsonElement? Component(this JsonElement report, string entry, string component) =>
        report.GetProperty("entries").TryGetProperty(entry, out var e)
        && e.GetProperty("data").TryGetProperty(component, out var c) ? c : null;
}
