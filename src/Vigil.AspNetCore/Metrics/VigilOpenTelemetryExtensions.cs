using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vigil;
using Vigil.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Exports Vigil's meter and activity source through OpenTelemetry, and maps <c>/metrics</c> in Prometheus text.</summary>
public static class VigilOpenTelemetryExtensions
{
    /// <summary>
    /// Adds OpenTelemetry metrics (the <c>Vigil</c> meter, exported for Prometheus scraping) and tracing (the <c>Vigil</c>
    /// activity source and ASP.NET Core requests, so one trace runs from the web request that enqueues a task to its
    /// execution in a worker), plus the refresh of the queue and worker gauges and the health checks they read.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configureMetrics">Adds to the meter provider (more meters, other exporters).</param>
    /// <param name="configureTracing">Adds to the tracer provider (exporters such as OTLP, more sources).</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilOpenTelemetry(
        this IVigilBuilder builder, Action<MeterProviderBuilder>? configureMetrics = null, Action<TracerProviderBuilder>? configureTracing = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddVigilHealthChecks();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(VigilInstruments.MeterName).AddPrometheusExporter();
                configureMetrics?.Invoke(metrics);
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(VigilInstruments.ActivitySourceName).AddAspNetCoreInstrumentation();
                configureTracing?.Invoke(tracing);
            });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VigilGaugeRefresher>());
        return builder;
    }

    /// <summary>Maps the Prometheus scraping endpoint of the metrics added by <see cref="AddVigilOpenTelemetry"/>.</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The path. Default <c>/metrics</c>.</param>
    /// <returns>The endpoint, for conventions.</returns>
    public static IEndpointConventionBuilder MapVigilMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return endpoints.MapPrometheusScrapingEndpoint(pattern);
    }
}
