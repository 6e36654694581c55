using System.CommandLine;
using Spectre.Console;
using Vigil.Bench;
using Vigil.Bench.Infrastructure;

// The Vigil benchmark harness. `bench/run` builds and runs it; see bench/README.md.
//   Vigil.Bench [--quick] [--tasks N] [--runs R] [--engines sqlite,redis] [--no-peers] ...   the benchmark
// Its workers are bench/Vigil.Bench.Worker processes (--worker picks the Native AOT or the JIT build).
var defaults = new BenchSettings();
if (Console.IsOutputRedirected)
{
    // A log or a pipe has no width: give the tables room rather than Spectre's 80-column default.
    AnsiConsole.Profile.Width = 150;
}

var quick = new Option<bool>("--quick") { Description = "A smoke test of a few seconds: tiny N, one run, no peers. Figures are not meaningful." };
var tasks = new Option<int?>("--tasks", "-n") { Description = $"No-op tasks per drain (default {defaults.Tasks:N0})." };
var runs = new Option<int?>("--runs") { Description = $"Runs per figure; each figure is their median (default {defaults.Runs})." };
var engines = new Option<string>("--engines") { Description = "Storage engines to measure, comma-separated.", DefaultValueFactory = _ => "sqlite,redis" };
var noPeers = new Option<bool>("--no-peers") { Description = "Skip BullMQ and Hangfire." };
var latencyTasks = new Option<int?>("--latency-tasks") { Description = $"Tasks of the latency step (default {defaults.LatencyTasks})." };
var singleTasks = new Option<int?>("--single-tasks") { Description = $"Tasks of the single-enqueue step (default {defaults.SingleEnqueueTasks:N0})." };
var idleSeconds = new Option<double?>("--idle-seconds") { Description = $"Idle CPU window in seconds (default {defaults.IdleWindow.TotalSeconds})." };
var concurrency = new Option<int?>("--concurrency") { Description = $"Slots of every worker, Vigil and peers alike (default {defaults.Concurrency})." };
var output = new Option<string?>("--out") { Description = "Folder for the JSON result (default bench/results/ of the checkout)." };
var redisServer = new Option<string>("--redis-server") { Description = "The redis-server executable.", DefaultValueFactory = _ => "redis-server" };
var steps = new Option<string>("--steps") { Description = "Vigil steps to run, comma-separated: drain, observability, workers, queues, enqueue, latency (default: all; for profiling).", DefaultValueFactory = _ => string.Join(',', BenchSettings.AllSteps) };
var workerEnv = new Option<string[]>("--worker-env") { Description = "KEY=VALUE environment variable for every Vigil worker process (repeatable), e.g. DOTNET_TieredPGO=0.", AllowMultipleArgumentsPerToken = false };
var trace = new Option<string?>("--trace-workers") { Description = "Folder where each worker process writes a CPU-sampling EventPipe trace (for profiling; slows the workers)." };
var drainPairs = new Option<int?>("--drain-pairs") { Description = $"Observability on/off drain pairs per run (default {defaults.DrainPairs}); the overhead is the median of all pairs." };
var worker = new Option<string>("--worker") { Description = $"The Vigil worker program: {WorkerBinary.Choices}. auto = the Native AOT build when bench/run published it, else the JIT build.", DefaultValueFactory = _ => "auto" };
var node = new Option<string>("--node") { Description = "The node executable (BullMQ peer).", DefaultValueFactory = _ => "node" };

var root = new RootCommand("Vigil benchmark: drain and enqueue throughput, end-to-end latency, idle cost, observability overhead and scaling, per storage engine, beside BullMQ and Hangfire on the same Redis.")
{
    quick, tasks, runs, engines, noPeers, latencyTasks, singleTasks, idleSeconds, concurrency, output, redisServer, node, trace, steps, workerEnv, worker, drainPairs,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = defaults;
    if (parse.GetValue(quick))
    {
        settings = settings.AsQuick();
    }

    var engineList = parse.GetValue(engines)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var unknown = engineList.Where(e => e is not ("sqlite" or "redis")).ToArray();
    if (unknown.Length > 0 || engineList.Length == 0)
    {
        Console.Error.WriteLine($"--engines '{parse.GetValue(engines)}' is invalid: use sqlite, redis or both, comma-separated.");
        return 2;
    }

    var stepList = parse.GetValue(steps)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (stepList.Length == 0 || stepList.Any(s => !BenchSettings.AllSteps.Contains(s)))
    {
        Console.Error.WriteLine($"--steps '{parse.GetValue(steps)}' is invalid: use {string.Join(", ", BenchSettings.AllSteps)}, comma-separated.");
        return 2;
    }

    var environment = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var pair in parse.GetValue(workerEnv) ?? [])
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            Console.Error.WriteLine($"--worker-env '{pair}' is invalid: use KEY=VALUE.");
            return 2;
        }

        environment[pair[..eq]] = pair[(eq + 1)..];
    }

    var workerBinary = WorkerBinary.Resolve(parse.GetValue(worker)!, RepoPaths.FindRoot(), BenchRunner.IsPublished, out var workerError);
    if (workerBinary is null)
    {
        Console.Error.WriteLine(workerError);
        return 2;
    }

    if (parse.GetValue(trace) is not null && workerBinary.FileName != "dotnet")
    {
        Console.Error.WriteLine("--trace-workers needs a JIT worker (EventPipe traces come from the .NET runtime): add --worker jit.");
        return 2;
    }

    settings = settings with
    {
        Worker = workerBinary,
        WorkerEnvironment = environment,
        Steps = new HashSet<string>(stepList, StringComparer.Ordinal),
        Tasks = parse.GetValue(tasks) ?? settings.Tasks,
        Runs = parse.GetValue(runs) ?? settings.Runs,
        DrainPairs = parse.GetValue(drainPairs) ?? settings.DrainPairs,
        Engines = engineList,
        Peers = settings.Peers && !parse.GetValue(noPeers),
        LatencyTasks = parse.GetValue(latencyTasks) ?? settings.LatencyTasks,
        SingleEnqueueTasks = parse.GetValue(singleTasks) ?? settings.SingleEnqueueTasks,
        IdleWindow = parse.GetValue(idleSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.IdleWindow,
        Concurrency = parse.GetValue(concurrency) ?? settings.Concurrency,
        OutputDirectory = parse.GetValue(output),
        RedisServer = parse.GetValue(redisServer)!,
        Node = parse.GetValue(node)!,
        TraceDirectory = parse.GetValue(trace) is { } folder ? Path.GetFullPath(folder) : null,
    };
    if (settings.Tasks < 1 || settings.Runs < 1 || settings.DrainPairs < 1 || settings.LatencyTasks < 1 || settings.SingleEnqueueTasks < 1 || settings.Concurrency < 1)
    {
        Console.Error.WriteLine("--tasks, --runs, --drain-pairs, --latency-tasks, --single-tasks and --concurrency must be at least 1.");
        return 2;
    }

    return await new BenchRunner(settings).RunAsync(cancellationToken);
});

return await root.Parse(args).InvokeAsync();
