using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Bench.Worker;

// The benchmark's worker process (see Vigil.Bench.Worker.csproj): a Vigil worker host like `vigil worker`, with the
// benchmark's handler, started by the harness. It speaks a line protocol on standard output: `starting TS CPU COUNTERS`
// (monotonic timestamp, CPU ticks used so far) just before the host starts, `ready TS PID` once it runs, `start I TS` per
// latency task, `stats COUNTERS` in answer to a `stats` line; it stops on a `stop` line (or end of input).
//   Vigil.Bench.Worker --storage sqlite:PATH|redis:HOST:PORT [--queues a,b] [--concurrency N] [--observability on|off]
var storage = new Option<string>("--storage") { Description = "sqlite:PATH or redis:HOST:PORT.", Required = true };
var queues = new Option<string>("--queues") { Description = "Queues to consume, comma-separated.", DefaultValueFactory = _ => "bench" };
var concurrency = new Option<int>("--concurrency") { Description = "Concurrent slots.", DefaultValueFactory = _ => Math.Max(4, Environment.ProcessorCount * 4) };
var observability = new Option<string>("--observability") { Description = "on: probes, heartbeats, metrics and tracing; off: none of them.", DefaultValueFactory = _ => "on" };
var root = new RootCommand("A Vigil worker with the benchmark's handler (the harness, bench/Vigil.Bench, starts it as a child process).")
{
    storage, queues, concurrency, observability,
};
root.SetAction((parse, cancellationToken) => RunAsync(
    parse.GetValue(storage)!,
    parse.GetValue(queues)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    parse.GetValue(concurrency),
    !string.Equals(parse.GetValue(observability), "off", StringComparison.OrdinalIgnoreCase),
    cancellationToken));
return await root.Parse(args).InvokeAsync();

static async Task<int> RunAsync(string storage, string[] queues, int concurrency, bool observability, CancellationToken cancellationToken)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

    // Vigil's settings from the environment, as `vigil worker` reads them (Vigil__PollInterval=00:00:02, ...): for
    // experiments through the harness's --worker-env. Nothing else of the default host (no appsettings files, no file watchers).
    builder.Configuration.AddEnvironmentVariables();
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    WorkerWiring.AddWorker(builder.Services, storage, queues, concurrency, observability);

    using var host = builder.Build();
    // The CPU used so far (runtime start-up, DI) lets the harness count only what the drain itself costs.
    var cpu = Process.GetCurrentProcess().TotalProcessorTime.Ticks;
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"starting {Stopwatch.GetTimestamp()} {cpu} {RuntimeCounters.Now().Format()}"));
    await host.StartAsync(cancellationToken);
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {Stopwatch.GetTimestamp()} {Environment.ProcessId}"));

    // The harness says when to stop; end of input (the harness died) stops too. Reading stdin blocks a thread, which
    // is fine for one thread in a benchmark worker.
    await Task.Run(
        () =>
        {
            string? line;
            while ((line = Console.In.ReadLine()) is not null && line != "stop")
            {
                if (line == "stats")
                {
                    Console.Out.WriteLine("stats " + RuntimeCounters.Now().Format());
                }
            }
        },
        cancellationToken);
    await host.StopAsync(TimeSpan.FromSeconds(15));
    return 0;
}
