using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.AspNetCore.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts Vigil's dashboard.</summary>
public static class VigilDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Mounts the live dashboard at <paramref name="pattern"/>: the page (<c>{pattern}/</c>), its JSON API
    /// (<c>{pattern}/api/...</c>) and its live hub (<c>{pattern}/api/hub</c>). Local requests only unless
    /// <see cref="VigilDashboardOptions.AuthorizationPolicy"/> is set; actions require a same-origin request with an
    /// antiforgery token. Requires <c>services.AddVigilDashboard()</c>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The dashboard's path. Default <c>/vigil</c>.</param>
    /// <param name="configure">Sets <see cref="VigilDashboardOptions"/>.</param>
    /// <returns>The dashboard's endpoints, to add conventions such as <c>RequireHost</c>.</returns>
    /// <exception cref="InvalidOperationException">The dashboard services were not added.</exception>
    /// <exception cref="ArgumentException">The pattern or an option is invalid (the message lists every problem).</exception>
    public static IEndpointConventionBuilder MapVigilDashboard(
        this IEndpointRouteBuilder endpoints, string pattern = "/vigil", Action<VigilDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<DashboardMarker>() is null)
        {
            throw new InvalidOperationException(
                "Vigil's dashboard services are missing: call services.AddVigilDashboard() (or services.AddVigil(...).AddVigilDashboard()) before building the app.");
        }

        var options = new VigilDashboardOptions();
        configure?.Invoke(options);
        VigilDashboardOptionsValidator.ThrowIfInvalid(pattern, options);
        return DashboardEndpoints.Map(endpoints, pattern.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/", options);
    }
}
