using Microsoft.Extensions.Configuration;

namespace Vigil.DependencyInjection;

/// <summary>
/// A configuration that an application handed to Vigil explicitly (<c>AddVigilObservability(configuration)</c>), bound
/// after the host's own <see cref="IConfiguration"/> (the same instance is bound once).
/// </summary>
/// <param name="Configuration">The configuration.</param>
internal sealed record VigilConfigurationSource(IConfiguration Configuration);
