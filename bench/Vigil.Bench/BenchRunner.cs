using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Spectre.Console;
using Vigil.Bench.Infrastructure;
using Vigil.Bench.Measurement;
using Vigil.Bench.Peers;
using Vigil.Bench.Report;
using Vigil.Bench.Scenarios;
using Vigil.Bench.Worker;

namespace Vigil.Bench;

/// <summary>
/// Runs the whole benchmark: for each run, every Vigil step on each engine, then the peers on the same Redis; then the
/// medians, the table and the JSON. A step that fails is reported and the run goes on; the exit code is 1 if any did.
/// </summary>
/// <param name="settings">What to run.</param>
internal sealed class BenchRunner(BenchSettings settings)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly List<string> _errors = [];

    /// <summary>Runs the benchmark.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>0 when every step succeeded, 1 otherwise.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var wall = Stopwatch.GetTimestamp();
        var started = TimeProvider.System.GetUtcNow();
        var repoRoot = RepoPaths.FindRoot();
        var outputDirectory = settings.OutputDirectory
            ?? (repoRoot is null ? Path.Combine(Environment.CurrentDirectory, "results") : Path.Combine(repoRoot, "bench", "results"));
        var temp = Directory.CreateTempSubdirectory("vigil-bench-");
        try
        {
            Progress.Step($"Vigil benchmark{(settings.Quick ? " (quick mode: figures are not meaningful)" : "")}: {settings.Tasks:N0} tasks, {settings.Runs} run(s), engines {string.Join(", ", settings.Engines)}, peers {(settings.Peers ? "on" : "off")}");
            Progress.Step($"starting redis-server on a free loopback port (data in {temp.FullName})");
            await using var redis = await RedisServer.StartAsync(settings.RedisServer, temp.FullName);
            Progress.Result($"redis {redis.Version} on {redis.EndPoint}");

            var peers = settings.Peers && repoRoot is not null ? new PeerRunner(settings, repoRoot) : null;
            var nodeVersion = peers is null ? null : await NodeVersionAsync();
            var report = new BenchReport
            {
                Date = started.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Quick = settings.Quick,
                Machine = MachineProbe.Describe(redis.Version, nodeVersion, settings.Worker.Flavor),
                Workload = new WorkloadInfo(
                    settings.Tasks, settings.Runs, settings.SingleEnqueueTasks, settings.BatchSize, settings.LatencyTasks,
                    settings.IdleWindow.TotalSeconds, settings.Concurrency, settings.WorkerCounts, settings.ManyQueues, $"{BenchTask.Type} (no-op)", settings.DrainPairs),
                Load = new LoadInfo { Before = ProcStat.LoadAverage() },
                Peers = new PeersResult
                {
                    Skipped = settings.Peers ? (repoRoot is null ? "not run from a checkout: bench/peers not found" : null) : (settings.Quick ? "quick mode" : "--no-peers"),
                },
            };
            Progress.Step($"machine: {report.Machine.Cpu}, {report.Machine.Cores} cores, {report.Machine.MemoryGb} GB, {report.Machine.Os}; load {FormatLoad(report.Load.Before)}");
            Progress.Step($"Vigil worker: {settings.Worker.Flavor} ({settings.Worker.FileName}{(settings.Worker.Prefix.Count > 0 ? " " + string.Join(' ', settings.Worker.Prefix) : "")})");

            var targets = settings.Engines
                .Select<string, EngineTarget>(e => e == "sqlite" ? new SqliteTarget(temp.FullName) : new RedisTarget(redis))
                .ToList();
            var steps = new VigilSteps(settings);
            var cliPath = FindCli(repoRoot);
            var series = targets.ToDictionary(t => t.Name, _ => new RunSeries(), StringComparer.Ordinal);
            var peerSeries = new RunSeries();
            var missed = targets.ToDictionary(t => t.Name, _ => 0, StringComparer.Ordinal);
            var commands = new Dictionary<string, IReadOnlyDictionary<string, CommandCost>?>(StringComparer.Ordinal);
            string? bullName = null, bullSetup = null, hangfireName = null, hangfireSetup = null;
            var hangfireMissed = 0;

            for (var run = 1; run <= settings.Runs; run++)
            {
                var load = ProcStat.LoadAverage();
                report.Load.PerRun.Add(load);
                Progress.Step($"run {run}/{settings.Runs} (load {FormatLoad(load)})");
                foreach (var target in targets)
                {
                    var s = series[target.Name];
                    var tag = $"{target.Display} run {run}/{settings.Runs}";
                    for (var p = 0; p < settings.DrainPairs; p++)
                    {
                        // Alternate the order of the paired drains so a drift in machine load does not favour one side.
                        var onFirst = (((run - 1) * settings.DrainPairs) + p) % 2 == 0;
                        var pairTag = settings.DrainPairs > 1 ? $"{tag}, pair {p + 1}/{settings.DrainPairs}" : tag;
                        await DrainPairAsync(steps, target, s, commands, pairTag, onFirst, cancellationToken);
                    }

                    foreach (var workers in settings.WorkerCounts.Where(w => w > 1 && settings.Steps.Contains("workers")))
                    {
                        await StepAsync($"{tag}: drain, {workers} worker processes", async () =>
                        {
                            var outcome = await steps.DrainAsync(target, workers, 1, observability: true, cancellationToken);
                            s.Add($"workers{workers}", outcome.TasksPerSec, "tasks/s");
                            return $"{outcome.TasksPerSec:N0} tasks/s";
                        });
                    }

                    await StepAsync($"{tag}: drain, 1 worker, {settings.ManyQueues} queues", "queues", async () =>
                    {
                        var outcome = await steps.DrainAsync(target, 1, settings.ManyQueues, observability: true, cancellationToken);
                        s.Add($"queues{settings.ManyQueues}", outcome.TasksPerSec, "tasks/s");
                        return $"{outcome.TasksPerSec:N0} tasks/s";
                    });

                    await StepAsync($"{tag}: drain by the real `vigil worker` (CLI, demo.noop handler), 1 process", "cli", async () =>
                    {
                        var outcome = await steps.DrainAsync(
                            target, 1, 1, observability: true, cancellationToken,
                            cliPath ?? throw new InvalidOperationException("The vigil CLI is not built: build src/Vigil.Cli (bench/run does it)."));
                        s.Add("cliDrain", outcome.TasksPerSec, "tasks/s");
                        return $"{outcome.TasksPerSec:N0} tasks/s from spawn";
                    });

                    await StepAsync($"{tag}: {settings.SingleEnqueueTasks:N0} single enqueues", "enqueue", async () =>
                    {
                        var rate = await steps.SingleEnqueueAsync(target, cancellationToken);
                        s.Add("enqueueSingle", rate, "tasks/s");
                        return $"{rate:N0} tasks/s";
                    });

                    await StepAsync($"{tag}: {settings.LatencyTasks} tasks one at a time to an idle worker, then its idle cost over {settings.IdleWindow.TotalSeconds:0.#} s", "latency", async () =>
                    {
                        var outcome = await steps.IdleAndLatencyAsync(target, cancellationToken);
                        s.Add("idleCpu", outcome.CpuPercent, "%");
                        s.Add("idleCpuNoJit", Math.Max(0, outcome.CpuPercent - outcome.JitCpuPercent), "%");
                        s.Add("idleRss", outcome.RssMb, "MB");
                        AddLatencies(s, "latency", outcome.LatenciesMs);
                        missed[target.Name] += outcome.Missed;
                        return $"idle CPU {outcome.CpuPercent:F2} % ({outcome.JitCpuPercent:F2} % of it background JIT), RSS {outcome.RssMb:F1} MB; latency p50 {Percentiles.Of(outcome.LatenciesMs, 50):F2} ms, p99 {Percentiles.Of(outcome.LatenciesMs, 99):F2} ms, max {outcome.LatenciesMs[^1]:F2} ms{(outcome.Missed > 0 ? $", {outcome.Missed} missed" : "")}";
                    });
                }

                if (peers is not null)
                {
                    await StepAsync($"BullMQ run {run}/{settings.Runs}: enqueue {settings.Tasks:N0} (addBulk), drain by one worker, {settings.LatencyTasks} latency jobs", async () =>
                    {
                        var outcome = await peers.RunBullMqAsync(redis);
                        (bullName, bullSetup) = (outcome.Name, outcome.Setup);
                        AddPeer(peerSeries, "bullmq", outcome);
                        return $"{outcome.Name}: {outcome.DrainTasksPerSec:N0} tasks/s; enqueue {outcome.EnqueueTasksPerSec:N0} tasks/s";
                    });
                    await StepAsync($"Hangfire run {run}/{settings.Runs}: enqueue {settings.Tasks:N0} one by one, drain by one server, {settings.HangfireLatencyTasks} latency jobs", async () =>
                    {
                        var outcome = await peers.RunHangfireAsync(redis);
                        (hangfireName, hangfireSetup) = (outcome.Name, outcome.Setup);
                        hangfireMissed += outcome.Missed;
                        AddPeer(peerSeries, "hangfire", outcome);
                        return $"{outcome.Name}: {outcome.DrainTasksPerSec:N0} tasks/s; enqueue {outcome.EnqueueTasksPerSec:N0} tasks/s";
                    });
                }
            }

            foreach (var target in targets)
            {
                report.Engines[target.Name] = BuildEngineResult(series[target.Name], missed[target.Name]);
                if (report.Engines[target.Name].DrainCost is { } cost)
                {
                    var rs = series[target.Name];
                    cost.RedisCommandsPerTask = commands.GetValueOrDefault(target.Name);
                    cost.AllocatedKbPerTask = rs.Get("rt.alloc");
                    cost.WorkItemsPerTask = rs.Get("rt.workitems");
                    cost.JitMs = rs.Get("rt.jit");
                    cost.GcPauseMs = rs.Get("rt.gcpause");
                    cost.Gen0Collections = rs.Get("rt.gen0");
                    cost.LockContentionsPerThousandTasks = rs.Get("rt.contention");
                }
            }

            if (peers is not null)
            {
                report.Peers.Bullmq = BuildPeer(peerSeries, "bullmq", bullName ?? "BullMQ", bullSetup, "batch (addBulk)", 0, settings.LatencyTasks);
                report.Peers.Hangfire = BuildPeer(peerSeries, "hangfire", hangfireName ?? "Hangfire", hangfireSetup, "single", hangfireMissed, settings.HangfireLatencyTasks);
            }

            report.Targets.AddRange(Targets.Check(report));
            report.Errors.AddRange(_errors);
            report.Load.After = ProcStat.LoadAverage();
            report.DurationSeconds = Math.Round(Stopwatch.GetElapsedTime(wall).TotalSeconds, 1);

            ReportTable.Render(report);
            Directory.CreateDirectory(outputDirectory);
            var file = Path.Combine(outputDirectory, $"bench-{started:yyyyMMdd-HHmmss}{(settings.Quick ? "-quick" : "")}.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, JsonOptions), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"JSON: [blue]{file}[/]");
            if (_errors.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{_errors.Count} step(s) failed; see 'errors' in the JSON.[/]");
            }

            return _errors.Count == 0 ? 0 : 1;
        }
        finally
        {
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a dying child: the folder is in /tmp and harmless.
            }
        }
    }

    /// <summary>
    /// One pair of 1-worker drains, observability on and off (those of them <see cref="BenchSettings.Steps"/> asks for):
    /// the on-drain feeds the drain figures, the pair the overhead.
    /// </summary>
    private async Task DrainPairAsync(
        VigilSteps steps, EngineTarget target, RunSeries s, Dictionary<string, IReadOnlyDictionary<string, CommandCost>?> commands,
        string tag, bool onFirst, CancellationToken cancellationToken)
    {
        double? on = null, off = null;
        bool[] pair = onFirst ? [true, false] : [false, true];
        foreach (var observability in pair.Where(o => settings.Steps.Contains(o ? "drain" : "observability")))
        {
            await StepAsync($"{tag}: drain {settings.Tasks:N0} tasks, 1 worker, observability {(observability ? "on" : "off")}", async () =>
            {
                var outcome = await steps.DrainAsync(target, 1, 1, observability, cancellationToken);
                if (observability)
                {
                    on = outcome.TasksPerSec;
                    RecordOnDrain(s, outcome);
                    commands[target.Name] = outcome.ServerCommands;
                }
                else
                {
                    off = outcome.TasksPerSec;
                    s.Add("drainOff", outcome.TasksPerSec, "tasks/s");
                    RecordWorkerCost(s, outcome, "off.");
                }

                return $"{outcome.TasksPerSec:N0} tasks/s ({outcome.FromSpawnTasksPerSec:N0} from spawn, {outcome.SteadyTasksPerSec:N0} over the second half); batch enqueue {outcome.BatchEnqueueTasksPerSec:N0} tasks/s; worker CPU {outcome.WorkerCpuMicrosPerTask:F0} µs/task ({outcome.WorkerCpuCores:F2} cores){(outcome.ServerCpuMicrosPerTask is { } serverCost ? $", redis-server {serverCost:F0} µs/task" : "")}";
            });
        }

        if (on is { } a && off is { } b)
        {
            s.Add("overhead", (1 - (a / b)) * 100, "%");
        }
    }

    /// <summary>
    /// What a drain cost the worker: CPU, allocations and GC pause per task, under <paramref name="prefix"/> (empty for the
    /// everything-on drains, <c>off.</c> for the drains with observability off).
    /// </summary>
    private void RecordWorkerCost(RunSeries s, DrainOutcome outcome, string prefix)
    {
        s.Add(prefix + "cost.worker", outcome.WorkerCpuMicrosPerTask, "µs/task");
        if (outcome.Runtime is { } rt)
        {
            s.Add(prefix + "rt.alloc", rt.AllocatedBytes / 1024.0 / settings.Tasks, "KB/task");
            s.Add(prefix + "rt.gcpause", rt.GcPauseMs, "ms");
        }
    }

    /// <summary>The figures of an everything-on 1-worker drain: throughput, CPU cost, runtime counters, Redis commands.</summary>
    private void RecordOnDrain(RunSeries s, DrainOutcome outcome)
    {
        s.Add("drain", outcome.TasksPerSec, "tasks/s");
        s.Add("drainFromSpawn", outcome.FromSpawnTasksPerSec, "tasks/s");
        if (outcome.SteadyTasksPerSec > 0)
        {
            s.Add("drainSteady", outcome.SteadyTasksPerSec, "tasks/s");
        }

        s.Add("enqueueBatch", outcome.BatchEnqueueTasksPerSec, "tasks/s");
        RecordWorkerCost(s, outcome, string.Empty);
        s.Add("cost.cores", outcome.WorkerCpuCores, "cores");
        if (outcome.ServerCpuMicrosPerTask is { } server)
        {
            s.Add("cost.server", server, "µs/task");
        }

        if (outcome.Runtime is { } rt)
        {
            s.Add("rt.workitems", (double)rt.WorkItems / settings.Tasks, "items/task");
            s.Add("rt.jit", rt.JitMs, "ms");
            s.Add("rt.gen0", rt.Gen0, "GCs");
            s.Add("rt.contention", rt.LockContentions * 1000.0 / settings.Tasks, "per 1k tasks");
            Progress.Result(string.Create(CultureInfo.InvariantCulture,
                $"worker runtime: {rt.AllocatedBytes / 1024.0 / settings.Tasks:F1} KB allocated/task, {(double)rt.WorkItems / settings.Tasks:F1} thread-pool items/task, JIT {rt.JitMs:F0} ms ({rt.JitMethods} methods), {rt.Gen0}/{rt.Gen1}/{rt.Gen2} GCs, pauses {rt.GcPauseMs:F0} ms, {rt.LockContentions} lock contentions"));
        }

        if (outcome.ServerCommands is { Count: > 0 } stats)
        {
            Progress.Result("redis per task: " + string.Join(", ", stats.Take(8).Select(c =>
                string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value.CallsPerTask:0.##}× {c.Value.MicrosPerTask:0.#} µs"))));
        }
    }

    private Task StepAsync(string label, string step, Func<Task<string>> action) =>
        settings.Steps.Contains(step) ? StepAsync(label, action) : Task.CompletedTask;

    private async Task StepAsync(string label, Func<Task<string>> action)
    {
        Progress.Step(label);
        try
        {
            Progress.Result(await action());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = $"{label}: {ex.GetType().Name}: {ex.Message}";
            _errors.Add(message);
            Progress.Failure(message);
        }
    }

    private static void AddLatencies(RunSeries series, string prefix, IReadOnlyList<double> sorted)
    {
        series.Add(prefix + ".p50", Percentiles.Of(sorted, 50), "ms");
        series.Add(prefix + ".p95", Percentiles.Of(sorted, 95), "ms");
        series.Add(prefix + ".p99", Percentiles.Of(sorted, 99), "ms");
        series.Add(prefix + ".max", sorted[^1], "ms");
    }

    private static void AddPeer(RunSeries series, string name, PeerOutcome outcome)
    {
        series.Add(name + ".drain", outcome.DrainTasksPerSec, "tasks/s");
        series.Add(name + ".enqueue", outcome.EnqueueTasksPerSec, "tasks/s");
        if (outcome.LatenciesMs is { } l)
        {
            series.Add(name + ".latency.p50", l[0], "ms");
            series.Add(name + ".latency.p95", l[1], "ms");
            series.Add(name + ".latency.p99", l[2], "ms");
            series.Add(name + ".latency.max", l[3], "ms");
        }
    }

    private EngineResult BuildEngineResult(RunSeries s, int missed) => new()
    {
        DrainTasksPerSec = s.Get("drain"),
        DrainFromSpawnTasksPerSec = s.Get("drainFromSpawn"),
        DrainSteadyTasksPerSec = s.Get("drainSteady"),
        DrainByCliFromSpawnTasksPerSec = s.Get("cliDrain"),
        DrainCost = new DrainCostResult
        {
            WorkerMicrosPerTask = s.Get("cost.worker"),
            ServerMicrosPerTask = s.Get("cost.server"),
            WorkerCores = s.Get("cost.cores"),
        },
        EnqueueSingleTasksPerSec = s.Get("enqueueSingle"),
        EnqueueBatchTasksPerSec = s.Get("enqueueBatch"),
        Latency = Latency(s, "latency", settings.LatencyTasks, missed),
        Idle = new IdleResult { CpuPercent = s.Get("idleCpu"), CpuPercentWithoutJit = s.Get("idleCpuNoJit"), RssMb = s.Get("idleRss") },
        Observability = new ObservabilityResult
        {
            OnTasksPerSec = s.Get("drain"),
            OffTasksPerSec = s.Get("drainOff"),
            OverheadPercent = s.Get("overhead"),
            OffWorkerMicrosPerTask = s.Get("off.cost.worker"),
            OffAllocatedKbPerTask = s.Get("off.rt.alloc"),
            OffGcPauseMs = s.Get("off.rt.gcpause"),
        },
        Scaling = new ScalingResult
        {
            Workers = settings.WorkerCounts.ToDictionary(
                w => w.ToString(CultureInfo.InvariantCulture), w => w == 1 ? s.Get("drain") : s.Get($"workers{w}"), StringComparer.Ordinal),
            Queues = new Dictionary<string, Summary?>(StringComparer.Ordinal)
            {
                ["1"] = s.Get("drain"),
                [settings.ManyQueues.ToString(CultureInfo.InvariantCulture)] = s.Get($"queues{settings.ManyQueues}"),
            },
        },
    };

    private static PeerResult BuildPeer(RunSeries s, string key, string name, string? setup, string enqueueKind, int missed, int latencyTasks) => new()
    {
        Name = name,
        Setup = setup,
        DrainTasksPerSec = s.Get(key + ".drain"),
        EnqueueTasksPerSec = s.Get(key + ".enqueue"),
        EnqueueKind = enqueueKind,
        Latency = Latency(s, key + ".latency", latencyTasks, missed),
    };

    private static LatencyResult? Latency(RunSeries s, string prefix, int count, int missed) =>
        s.Get(prefix + ".p50") is null
            ? null
            : new LatencyResult
            {
                Count = count,
                P50Ms = s.Get(prefix + ".p50"),
                P95Ms = s.Get(prefix + ".p95"),
                P99Ms = s.Get(prefix + ".p99"),
                MaxMs = s.Get(prefix + ".max"),
                Missed = missed,
            };

    /// <summary>Whether this harness runs from a publish folder (<c>bin/publish</c>, as <c>bench/run</c> runs it).</summary>
    public static bool IsPublished =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)) == "publish";

    private static string? FindCli(string? repoRoot)
    {
        if (repoRoot is null)
        {
            return null;
        }

        // A published harness (bench/run publishes it ReadyToRun) drains with the CLI published the same way, as a
        // deployment runs it; a built one with the CLI built beside it by a project reference, in the same configuration.
        var published = Path.Combine(repoRoot, "src", "Vigil.Cli", "bin", "publish", "Vigil.Cli.dll");
        if (IsPublished && File.Exists(published))
        {
            return published;
        }

        var configuration = typeof(BenchRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        return new[] { configuration, "Release", "Debug" }
            .Select(c => Path.Combine(repoRoot, "src", "Vigil.Cli", "bin", c, "net10.0", "Vigil.Cli.dll"))
            .FirstOrDefault(File.Exists);
    }

    private async Task<string?> NodeVersionAsync()
    {
        try
        {
            await using var process = ChildProcess.Start(settings.Node, ["--version"]);
            var lines = await process.ReadToEndAsync(TimeSpan.FromSeconds(10));
            return lines.FirstOrDefault()?.Trim();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            _errors.Add($"node ('{settings.Node}') did not start: {ex.Message}");
            return null;
        }
    }

    private static string FormatLoad(double[] load) =>
        string.Join(" ", load.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)));
}
