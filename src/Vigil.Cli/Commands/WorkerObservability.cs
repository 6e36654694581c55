using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Workers;

namespace Vigil.Cli.Commands;

/// <summary>
/// The observability options of <c>vigil worker</c>: its own health port, its resource limits, and a test-only fault
/// switch. Every worker also runs the health checks, takes part in the sentinel election and runs the recovery ladder,
/// with options from the <c>Vigil:Health</c>, <c>Vigil:Sentinel</c>, <c>Vigil:Alerts</c>, <c>Vigil:Recovery</c> and
/// <c>Vigil:Resources</c> configuration sections (environment variables such as <c>Vigil__Sentinel__Interval=00:00:05</c>).
/// </summary>
internal static partial class WorkerObservability
{
    /// <summary><c>--health-urls</c>: where the worker serves /health, /health/live, /health/ready and /metrics.</summary>
    public static readonly Option<string[]> HealthUrls = new("--health-urls")
    {
        Description = "Serve this worker's /health, /health/live, /health/ready and /metrics on these URLs (comma-separated), " +
                      "e.g. http://127.0.0.1:8081, so a supervisor can restart it when its loop stops. Default: none.",
        HelpName = "urls",
        CustomParser = ParseUrls,
    };

    /// <summary><c>--max-memory</c>: the working-set ceiling in MiB past which the worker drains and exits with 75.</summary>
    public static readonly Option<int?> MaxMemory =
        CommonOptions.CreateInt("--max-memory", "Working-set ceiling in MiB: past it the worker drains and exits with code 75 (recycle). Default: none.", 16, 1_048_576);

    /// <summary><c>--max-tasks</c>: the attempts after which the worker drains and exits with 75.</summary>
    public static readonly Option<int?> MaxTasks =
        CommonOptions.CreateInt("--max-tasks", "Attempts after which the worker drains and exits with code 75 (recycle). Default: none.", 1, int.MaxValue);

    /// <summary>
    /// <c>--fault freeze-consume-after=N</c> (test only, hidden): once the worker has claimed N tasks, its consume loop
    /// freezes while heartbeats and lease renewals go on — a zombie, for the tests of health and the recovery ladder.
    /// </summary>
    public static readonly Option<int?> Fault = new("--fault")
    {
        Description = "Test-only fault injection: freeze-consume-after=N.",
        Hidden = true,
        CustomParser = ParseFault,
    };

    /// <summary>Adds observability to the worker host.</summary>
    /// <param name="builder">The host builder (Vigil already added).</param>
    /// <param name="parse">The parsed command line.</param>
    public static void Configure(HostApplicationBuilder builder, ParseResult parse)
    {
        var vigil = builder.Services.AddVigil();
        vigil.AddVigilObservability(builder.Configuration);
        var maxMemory = parse.GetValue(MaxMemory);
        var maxTasks = parse.GetValue(MaxTasks);
        if (maxMemory is not null || maxTasks is not null)
        {
            vigil.AddVigilResourceLimits(o =>
            {
                o.MaxWorkingSetBytes = maxMemory is { } mb ? mb * 1024L * 1024L : o.MaxWorkingSetBytes;
                o.MaxTasks = maxTasks ?? o.MaxTasks;
            });
        }

        if (parse.GetValue(HealthUrls) is { Length: > 0 } urls)
        {
            // Metrics of the tasks this worker runs are recorded here, so its health port serves /metrics too.
            vigil.AddVigilOpenTelemetry().AddVigilHealthServer(urls);
        }

        if (parse.GetValue(Fault) is { } freezeAfter)
        {
            builder.Services.AddHostedService(sp => new FreezeFault(sp.GetRequiredService<IVigilWorker>(), freezeAfter,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FreezeFault>>()));
        }
    }

    private static string[] ParseUrls(ArgumentResult result)
    {
        var urls = new List<string>();
        foreach (var part in result.Tokens.SelectMany(t => t.Value.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                result.AddError($"--health-urls: '{part}' is not an http URL: use one such as http://127.0.0.1:8081.");
                return [];
            }

            urls.Add(part);
        }

        return [.. urls];
    }

    private static int? ParseFault(ArgumentResult result)
    {
        const string Prefix = "freeze-consume-after=";
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (text.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            return n;
        }

        result.AddError($"--fault: '{text}' is not a known fault: use freeze-consume-after=N (N tasks claimed, 0 or more).");
        return null;
    }

    /// <summary>Freezes the consume loop once the worker has claimed N tasks (finished plus running).</summary>
    private sealed partial class FreezeFault(IVigilWorker worker, int after, TimeProvider timeProvider, ILogger<FreezeFault> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                while (worker.Processed + worker.InFlight < after)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), timeProvider, stoppingToken).ConfigureAwait(false);
                }

                worker.FreezeConsumeLoop = true;
                LogFrozen(logger, worker.WorkerId, after);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopped before the fault fired.
            }
        }

        [LoggerMessage(4600, LogLevel.Warning, "Fault injection: worker {WorkerId} froze its consume loop after {Count} tasks (test only)")]
        private static partial void LogFrozen(ILogger logger, string workerId, int count);
    }
}
