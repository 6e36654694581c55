using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Cli.Hosting;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil worker --queues a,b --concurrency N</c>: a worker process (the <c>runworker</c> analogue) on the generic host.
/// SIGTERM / Ctrl+C drain it gracefully; its exit code is the worker's (0, or the core's recycle code 75 so a supervisor
/// restarts it).
/// </summary>
/// <remarks>
/// Observability: add the <c>--health-urls</c> option to <see cref="Create"/> next to the others and wire it in
/// <see cref="ConfigureObservability"/>, which runs before the host is built.
/// </remarks>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var queues = CommonOptions.CreateQueues("Queues to consume, in priority order (comma-separated). Default: default.");
        var concurrency = CommonOptions.CreateConcurrency();
        var lease = CommonOptions.CreateDuration("--lease", "Lease length: a dead worker's tasks are taken over after it. Default: 30s.", TimeSpan.FromSeconds(1));
        var grace = CommonOptions.CreateDuration("--shutdown-grace", "At shutdown, how long in-flight tasks may finish before they are released. Default: 10s.", TimeSpan.Zero);

        var command = new Command("worker", "Run a worker process that consumes queues until stopped (SIGTERM/Ctrl+C drain it).")
        {
            queues, concurrency, lease, grace, WorkerObservability.HealthUrls, WorkerObservability.MaxMemory, WorkerObservability.MaxTasks,
            WorkerObservability.Fault,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = parse.GetRequiredValue(CommonOptions.Storage);
            var settings = new WorkerSettings
            {
                Queues = parse.GetValue(queues),
                Concurrency = parse.GetValue(concurrency),
                LeaseDuration = parse.GetValue(lease),
                ShutdownGracePeriod = parse.GetValue(grace),
            };

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
            VigilHostSetup.ConfigureProcessLogging(builder.Logging);
            builder.Services.AddVigilFromCommandLine(spec, settings);
            ConfigureObservability(builder, parse);
            ProcessShutdown.Configure(builder.Services);

            using var host = builder.Build();
            await VigilHostSetup.InitializeStorageAsync(host.Services, spec, cancellationToken).ConfigureAwait(false);
            await host.RunAsync(CancellationToken.None).ConfigureAwait(false);
            return ProcessShutdown.ExitCode;
        });
        return command;
    }

    /// <summary>The hook for the worker's own health port and metrics (the observability part).</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="parse">The parsed command line.</param>
    private static void ConfigureObservability(HostApplicationBuilder builder, ParseResult parse) =>
        WorkerObservability.Configure(builder, parse);
}
