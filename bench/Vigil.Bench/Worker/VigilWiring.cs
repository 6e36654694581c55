using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vigil.Telemetry;

namespace Vigil.Bench.Worker;

/// <summary>The one place where the harness configures Vigil: a worker host, and an enqueue-only client.</summary>
internal static class VigilWiring
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
        UseStorage(vigil, storage);
        vigil.AddHandler<BenchHandler, BenchPayload>(BenchHandler.TaskType);

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

    /// <summary>Builds an enqueue-only Vigil (no worker) for the harness's own client.</summary>
    /// <param name="storage"><c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.</param>
    /// <returns>The service provider; the caller disposes it.</returns>
    public static ServiceProvider BuildClient(string storage)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var vigil = services.AddVigil(o => o.RunWorker = false);
        UseStorage(vigil, storage);
        return services.BuildServiceProvider();
    }

    private static void UseStorage(IVigilBuilder vigil, string storage)
    {
        if (storage.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            vigil.UseSqlite(storage["sqlite:".Length..]);
        }
        else if (storage.StartsWith("redis:", StringComparison.Ordinal))
        {
            vigil.UseRedis(storage["redis:".Length..]);
        }
        else
        {
            throw new ArgumentException($"Storage '{storage}' is invalid: use sqlite:PATH or redis:HOST:PORT.", nameof(storage));
        }
    }
}
