using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Cli.Server;

/// <summary>
/// What <c>vigil server</c> mounts: the one place where the ASP.NET Core parts of Vigil (dashboard, real-time hub,
/// health, metrics) are wired into the server. Observability: add <c>AddVigil...</c> in <see cref="AddServices"/> and
/// <c>MapVigil...</c> in <see cref="MapEndpoints"/>, one line each.
/// </summary>
internal static class ServerComposition
{
    /// <summary>The dashboard's path.</summary>
    public const string DashboardPath = "/vigil";

    /// <summary>The real-time hub's path, for applications' pages.</summary>
    public const string HubPath = "/vigil/hub";

    /// <summary>Registers the web services.</summary>
    /// <param name="builder">The web application builder.</param>
    /// <param name="vigil">The Vigil builder.</param>
    public static void AddServices(WebApplicationBuilder builder, IVigilBuilder vigil)
    {
        // Health checks, sentinel, alerts, recovery ladder, resources (options from Vigil:* configuration), /metrics, traces.
        vigil.AddVigilObservability(builder.Configuration).AddVigilOpenTelemetry();

        // The dashboard brings the real-time layer (SignalR hub, event-feed relay) with it.
        vigil.AddVigilDashboard();
    }

    /// <summary>Maps the endpoints.</summary>
    /// <param name="app">The application.</param>
    public static void MapEndpoints(WebApplication app)
    {
        app.MapVigilDashboard(DashboardPath);
        app.MapVigilHub(HubPath);
        app.MapVigilHealthChecks("/health");
        app.MapVigilMetrics("/metrics");
        app.MapGet("/", () => Results.Redirect(DashboardPath + "/"));
    }
}
