using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vigil.Bench.Worker;

/// <summary>
/// <c>Vigil.Bench worker</c>: a Vigil worker host like <c>vigil worker</c>, run by the harness as a child process, with the
/// benchmark's handler. It speaks a line protocol on standard output: <c>starting TS CPU</c> (monotonic timestamp, CPU ticks used so far) just before the host starts,
/// <c>ready TS PID</c> once it runs, <c>start I TS</c> per latency task; <c>stats COUNTERS</c> in answer to a <c>stats</c> line; it stops on a <c>stop</c> line (or end of input).
/// </summary>
internal static class WorkerCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The <c>worker</c> command.</returns>
    public static Command Create()
    {
        var storage = new Option<string>("--storage") { Description = "sqlite:PATH or redis:HOST:PORT.", Required = true };
        var queues = new Option<string>("--queues") { Description = "Queues to consume, comma-separated.", DefaultValueFactory = _ => "bench" };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent slots.", DefaultValueFactory = _ => Math.Max(4, Environment.ProcessorCount * 4) };
        var observability = new Option<string>("--observability") { Description = "on: probes, heartbeats, metrics and tracing; off: none of them.", DefaultValueFactory = _ => "on" };
        var command = new Command("worker", "Run a Vigil worker with the benchmark's handler (the harness starts it as a child process).")
        {
            storage, queues, concurrency, observability,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(storage)!,
            parse.GetValue(queues)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            parse.GetValue(concurrency),
            !string.Equals(parse.GetValue(observability), "off", StringComparison.OrdinalIgnoreCase),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string storage, string[] queues, int concurrency, bool observability, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Vigil's settings from the environment, as `vigil worker` reads them (Vigil__PollInterval=00:00:02, ...): for
        // experiments through --worker-env. Nothing else of the default host (no appsettings files, no file watchers).
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        VigilWiring.AddWorker(builder.Services, storage, queues, concurrency, observability);

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
}
