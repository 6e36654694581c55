using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Vigil;
using Vigil.AspNetCore.Dashboard;
using Vigil.AspNetCore.Dashboard.Api;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of Vigil's dashboard.</summary>
public static class VigilDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>app.MapVigilDashboard()</c> needs: the real-time layer (<c>AddVigilRealtime</c>), antiforgery for the
    /// dashboard's actions, and the live overview push. Idempotent.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    /// <remarks>The storage and client come from <c>services.AddVigil(...)</c> with an engine such as <c>UseSqlite</c>.</remarks>
    public static IServiceCollection AddVigilDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(DashboardMarker)))
        {
            return services;
        }

        services.AddSingleton<DashboardMarker>();
        services.AddVigilRealtime();
        services.AddAntiforgery();
        services.AddOptions<VigilOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DashboardData>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DashboardOverviewPusher>());
        return services;
    }

    /// <summary>Adds the dashboard's services to Vigil (see <see cref="AddVigilDashboard(IServiceCollection)"/>).</summary>
    /// <param name="builder">The Vigil builder from <c>services.AddVigil()</c>.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilDashboard(this IVigilBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVigilDashboard();
        return builder;
    }
}
