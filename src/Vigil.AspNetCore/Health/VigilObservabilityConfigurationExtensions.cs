using Microsoft.Extensions.Configuration;
using Vigil;
using Vigil.Alerts;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Recovery;
using Vigil.Resources;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Vigil's observability with its options bound from configuration.</summary>
public static class VigilObservabilityConfigurationExtensions
{
    /// <summary>
    /// Adds everything of <c>AddVigilObservability()</c> and binds its options from the sections <c>Vigil:Health</c>,
    /// <c>Vigil:Sentinel</c>, <c>Vigil:Alerts</c>, <c>Vigil:Recovery</c> and <c>Vigil:Resources</c> of
    /// <paramref name="configuration"/> (environment variables such as <c>Vigil__Sentinel__Interval=00:00:05</c> included).
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configuration">The application's configuration.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilObservability(this IVigilBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddVigilObservability();
        var services = builder.Services;
        services.AddOptions<VigilHealthOptions>().Bind(configuration.GetSection("Vigil:Health"));
        services.AddOptions<SentinelOptions>().Bind(configuration.GetSection("Vigil:Sentinel"));
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection("Vigil:Alerts"));
        services.AddOptions<RecoveryOptions>().Bind(configuration.GetSection("Vigil:Recovery"));
        services.AddOptions<ResourceLimitOptions>().Bind(configuration.GetSection("Vigil:Resources"));
        return builder;
    }
}
