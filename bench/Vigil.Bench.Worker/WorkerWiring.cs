using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vigil.Telemetry;

namespace Vigil.Bench.Worker;

/// <summary>The one place where the benchmark configures its Vigil worker.</summary>
internal static class WorkerWiring
{
    /// <summary>Adds a Vigil worker to a host's services, the way an application (or <c>vigil worker</c>) does.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="storage"><c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.</param>
    /// <param name="queues">The queues to consume.</param>
    /// <param name="concurrency">The concurrent slots.</param>
    /// <param name="observability">Whether probes, heartbeats, metrics and tracing run.</param>
    public static void AddWorker(IServiceCollection services, string storage, IReadOnlyList<string> queues, int concurrency, bool observability)
    {
        var vigil = services.AddVigil(o =>
        {
            o.RunWorker = true;
            o.Queues.Clear();
            foreach (var queue in queues)
            {
                o.Queues.Add(queue);
            }

            o.Concurrency = concurrency;
            if (!observability)
            {
                // Heartbeats cannot be switched off (health depends on them): make them as rare as validation allows.
                o.HeartbeatInterval = TimeSpan.FromMinutes(10);
            }
        });
        BenchStorage.Use(vigil, storage);

        // Source-generated payload metadata: a Native AOT worker has no reflection-based JSON.
        vigil.AddHandler<BenchHandler, BenchPayload>(BenchHandler.TaskType, BenchJsonContext.Default.BenchPayload);

        if (observability)
        {
            // Everything a production worker runs: health checks, the sentinel (queue and worker probes), alerts, the
            // recovery ladder and the resource sampler (whose figures ride in every heartbeat).
            vigil.AddVigilObservability();

            // Metrics and traces collected by the OpenTelemetry SDK as an application would, exported nowhere: the
            // cost of instrumentation and collection, without a backend's network cost. Metrics are read every 15 s, a
            // common Prometheus scrape interval.
            // For profiling the overhead, VIGIL_BENCH_METRICS=off / VIGIL_BENCH_TRACING=off leave one of them out.
            var otel = services.AddOpenTelemetry();
            if (Environment.GetEnvironmentVariable("VIGIL_BENCH_METRICS") != "off")
            {
                otel.WithMetrics(m => m
                    .AddMeter(VigilInstruments.MeterName)
                    .AddReader(new PeriodicExportingMetricReader(new NullExporter<Metric>(), exportIntervalMilliseconds: 15_000)));
            }

            if (Environment.GetEnvironmentVariable("VIGIL_BENCH_TRACING") != "off")
            {
                otel.WithTracing(t => t
                    .AddSource(VigilInstruments.ActivitySourceName)
                    .SetSampler(new AlwaysOnSampler())
                    .AddProcessor(new BatchActivityExportProcessor(new NullExporter<System.Diagnostics.Activity>())));
            }
        }
    }
}
