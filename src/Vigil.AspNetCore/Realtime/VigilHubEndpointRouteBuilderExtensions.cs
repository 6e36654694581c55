using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.AspNetCore.Realtime;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Vigil's SignalR hub.</summary>
public static class VigilHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <see cref="VigilHub"/>, the hub browsers use to follow tasks (<c>SubscribeTask</c>) and join groups
    /// (<c>JoinGroup</c>). Requires <c>AddVigilRealtime()</c> or <c>AddVigilDashboard()</c>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The hub's path. Default <c>/vigil/hub</c>.</param>
    /// <param name="configure">Sets the hub's connection options (transports, buffers), if needed.</param>
    /// <returns>The hub's endpoints, to add conventions such as <c>RequireAuthorization</c>.</returns>
    /// <exception cref="InvalidOperationException">The real-time services were not added.</exception>
    public static HubEndpointConventionBuilder MapVigilHub(
        this IEndpointRouteBuilder endpoints, string pattern = "/vigil/hub", Action<HttpConnectionDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<RealtimeMarker>() is null)
        {
            throw new InvalidOperationException(
                "Vigil's real-time services are missing: call services.AddVigil(...).AddVigilRealtime() (or services.AddVigilDashboard()) before building the app, then map the hub.");
        }

        return configure is null ? endpoints.MapHub<VigilHub>(pattern) : endpoints.MapHub<VigilHub>(pattern, configure);
    }
}
