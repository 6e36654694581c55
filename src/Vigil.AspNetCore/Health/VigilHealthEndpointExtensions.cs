using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Vigil.AspNetCore.Health;
using Vigil.Health;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Vigil health endpoints.</summary>
public static class VigilHealthEndpointExtensions
{
    /// <summary>
    /// Maps <c>{pattern}/live</c> (checks tagged <c>live</c>: this process's consume loop turns), <c>{pattern}/ready</c>
    /// (checks tagged <c>ready</c>: the storage answers a write-then-read round trip) and <c>{pattern}</c> (every
    /// registered check: the full JSON report of storage, workers, queues and probes). Each answers the JSON of
    /// <see cref="HealthReportJsonWriter"/> with 200 for healthy or degraded and 503 for unhealthy.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The base path. Default <c>/health</c>.</param>
    /// <returns>The group of the three endpoints, for conventions such as <c>RequireHost</c> or authorization.</returns>
    /// <remarks>Requires <c>AddVigilHealthChecks()</c> (or <c>AddVigilObservability()</c>) on the Vigil builder.</remarks>
    public static IEndpointConventionBuilder MapVigilHealthChecks(this IEndpointRouteBuilder endpoints, string pattern = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var group = endpoints.MapGroup(pattern);
        group.MapHealthChecks("/live", Options(VigilHealthCheckNames.LiveTag));
        group.MapHealthChecks("/ready", Options(VigilHealthCheckNames.ReadyTag));
        group.MapHealthChecks(string.Empty, Options(null));
        return group;
    }

    private static HealthCheckOptions Options(string? tag) => new()
    {
        Predicate = tag is null ? null : registration => registration.Tags.Contains(tag),
        ResponseWriter = HealthReportJsonWriter.WriteAsync,
        AllowCachingResponses = false,
    };
}
