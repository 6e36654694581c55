using Microsoft.Extensions.Configuration;
using Vigil;
using Vigil.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Vigil's observability with its options bound from a given configuration.</summary>
public static class VigilObservabilityConfigurationExtensions
{
    /// <summary>
    /// Adds everything of <c>AddVigilObservability()</c> and binds every Vigil options section of
    /// <paramref name="configuration"/> (<c>Vigil</c>, <c>Vigil:Health</c>, <c>Vigil:Sentinel</c>, <c>Vigil:Alerts</c>,
    /// <c>Vigil:Recovery</c>, <c>Vigil:Resources</c>; environment variables such as
    /// <c>Vigil__Sentinel__Interval=00:00:05</c> included), after the host's own configuration. <c>AddVigilObservability()</c> already binds the host's configuration: this
    /// overload is for a configuration the host does not have (the same instance is bound once).
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configuration">The configuration to bind from.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilObservability(this IVigilBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddVigilObservability();
        if (!builder.Services.Any(d => d.ImplementationInstance is VigilConfigurationSource source && ReferenceEquals(source.Configuration, configuration)))
        {
            builder.Services.AddSingleton(new VigilConfigurationSource(configuration));
        }

        return builder;
    }
}
