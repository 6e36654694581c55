using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.AspNetCore.Realtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Vigil's real-time layer: the SignalR hub's services and the relay of the storage's event feed.</summary>
public static class VigilRealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the real-time layer: SignalR, the <c>VigilHub</c> services and a hosted relay that pushes task progress, group
    /// messages and the states of subscribed tasks to browsers. Idempotent. Map the hub with <c>app.MapVigilHub()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="VigilRealtimeOptions"/>; validated at start-up.</param>
    /// <returns>The services.</returns>
    /// <remarks>The storage (<c>IVigilStorage</c>) comes from <c>services.AddVigil(...)</c> with an engine such as <c>UseSqlite</c>.</remarks>
    public static IServiceCollection AddVigilRealtime(this IServiceCollection services, Action<VigilRealtimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(RealtimeMarker)))
        {
            return services;
        }

        services.AddSingleton<RealtimeMarker>();
        services.AddSignalR();
        services.AddOptions<VigilRealtimeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VigilRealtimeOptions>, VigilRealtimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TaskSubscriptions>();
        services.TryAddSingleton<TaskSubscriber>();
        services.TryAddSingleton<RealtimeSender>();

        // A closed registration wins over SignalR's open generic activator, so the hub keeps an internal constructor.
        services.TryAddScoped<IHubActivator<VigilHub>, VigilHubActivator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EventFeedRelay>());
        return services;
    }

    /// <summary>Adds the real-time layer to Vigil (see <see cref="AddVigilRealtime(IServiceCollection, Action{VigilRealtimeOptions}?)"/>).</summary>
    /// <param name="builder">The Vigil builder from <c>services.AddVigil()</c>.</param>
    /// <param name="configure">Sets <see cref="VigilRealtimeOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilRealtime(this IVigilBuilder builder, Action<VigilRealtimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVigilRealtime(configure);
        return builder;
    }
}
