using System.Diagnostics;
using System.Globalization;
using Vigil.Bench.Infrastructure;
using Vigil.Bench.Measurement;
using Vigil.Bench.Worker;
using Vigil.Client;

namespace Vigil.Bench.Scenarios;

/// <summary>What one drain measured.</summary>
/// <param name="TasksPerSec">N over the time from the first worker host's start to the last task succeeded in storage.</param>
/// <param name="FromSpawnTasksPerSec">N over the time from the worker processes' spawn (includes .NET start-up).</param>
/// <param name="BatchEnqueueTasksPerSec">The batch enqueue of the N tasks before the drain.</param>
/// <param name="WorkerCpuMicrosPerTask">CPU the worker processes spent per task, from their host's start to the end.</param>
/// <param name="ServerCpuMicrosPerTask">CPU the storage server (redis-server) spent per task during the drain; <see langword="null"/> for SQLite.</param>
/// <param name="WorkerCpuCores">Worker CPU over the drain's wall time, in cores (1 = one core busy all along).</param>
/// <param name="SteadyTasksPerSec">The rate over the second half of the drain (JIT and connection start-up behind it).</param>
/// <param name="ServerCommands">
/// Redis commands per task during the drain, by command: calls per task and server µs per task (the harness's own
/// completion polling included, a few hundred calls per drain).
/// </param>
/// <param name="Runtime">The workers' runtime counters over the drain (summed), or <see langword="null"/>.</param>
internal sealed record DrainOutcome(
    double TasksPerSec, double FromSpawnTasksPerSec, double BatchEnqueueTasksPerSec, double WorkerCpuMicrosPerTask,
    double? ServerCpuMicrosPerTask, double WorkerCpuCores, IReadOnlyDictionary<string, CommandCost>? ServerCommands,
    double SteadyTasksPerSec, RuntimeCounters? Runtime = null);

/// <summary>What one Redis command cost per task during a drain.</summary>
/// <param name="CallsPerTask">Calls per task.</param>
/// <param name="MicrosPerTask">Server time per task, in µs.</param>
internal sealed record CommandCost(double CallsPerTask, double MicrosPerTask);

/// <summary>What one idle-and-latency step measured.</summary>
/// <param name="CpuPercent">Worker CPU over the idle window, in percent of one core.</param>
/// <param name="JitCpuPercent">The part of it spent by the runtime's background (tiered) JIT thread, sampled every second.</param>
/// <param name="RssMb">Worker RSS at the end of the idle window, in MB.</param>
/// <param name="LatenciesMs">Enqueue-to-handler-start latencies, sorted ascending.</param>
/// <param name="Missed">Tasks whose start was not seen within the per-task timeout.</param>
internal sealed record IdleLatencyOutcome(double CpuPercent, double JitCpuPercent, double RssMb, IReadOnlyList<double> LatenciesMs, int Missed);

/// <summary>The Vigil measurements, each on a fresh store with real worker child processes.</summary>
/// <param name="settings">The run's settings.</param>
internal sealed class VigilSteps(BenchSettings settings)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LatencyTaskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The built-in no-op handler of <c>vigil worker</c>.</summary>
    private const string CliNoopType = "demo.noop";

    /// <summary>
    /// Enqueues N no-op tasks in batches, then starts <paramref name="workers"/> worker processes and times them until
    /// the storage holds no unfinished task of the bench queues; checks that the statistics count N succeeded.
    /// </summary>
    /// <param name="target">The engine.</param>
    /// <param name="workers">Worker processes.</param>
    /// <param name="queueCount">Queues the tasks are spread over (every worker consumes all of them).</param>
    /// <param name="observability">Whether the workers run probes, heartbeats, metrics and tracing.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The figures.</returns>
    /// <param name="cliPath">
    /// When set, the workers are the real <c>vigil worker</c> (this <c>Vigil.Cli.dll</c>) running its built-in
    /// <c>demo.noop</c> handler; the drain is then timed from their spawn, and their CPU is not counted.
    /// </param>
    public async Task<DrainOutcome> DrainAsync(
        EngineTarget target, int workers, int queueCount, bool observability, CancellationToken cancellationToken, string? cliPath = null)
    {
        var storage = await target.FreshAsync($"drain-w{workers}-q{queueCount}-{(observability ? "on" : "off")}{(cliPath is null ? "" : "-cli")}");
        string[] queues = queueCount == 1 ? ["bench"] : [.. Enumerable.Range(0, queueCount).Select(i => $"bench{i}")];
        await using var session = await VigilSession.OpenAsync(storage, cancellationToken);
        var taskType = cliPath is null ? BenchTask.Type : CliNoopType;

        var batchRate = await EnqueueBatchesAsync(session.Client, queues, settings.Tasks, taskType, cancellationToken);

        await target.ResetServerStatisticsAsync();
        var serverCpuBefore = target.ServerPid is { } serverPid ? ProcStat.CpuTime(serverPid) : TimeSpan.Zero;
        var spawn = Stopwatch.GetTimestamp();
        var children = new List<ChildProcess>();
        try
        {
            for (var w = 0; w < workers; w++)
            {
                children.Add(cliPath is null
                    ? settings.Worker.Start(WorkerArguments(storage, queues, observability), WorkerEnvironment())
                    : StartCli(cliPath, CliWorkerArguments(storage, queues)));
            }

            var (end, half, pendingAtHalf) = await WaitUntilDrainedAsync(session, queues, children, cancellationToken);
            var succeededCli = cliPath is null ? 0 : await session.SucceededAsync(taskType, cancellationToken);
            if (cliPath is not null)
            {
                // `vigil worker` says nothing on its output when it starts: timed from the spawn only.
                var rate = settings.Tasks / Seconds(spawn, end);
                return succeededCli == settings.Tasks
                    ? new DrainOutcome(rate, rate, batchRate, 0, null, 0, null, pendingAtHalf / Seconds(half, end))
                    : throw new InvalidOperationException($"The drain ended with {succeededCli} of {settings.Tasks} tasks counted succeeded.");
            }

            var workerCpuAfter = children.Select(c => ProcStat.CpuTime(c.Pid)).ToArray();
            var serverCpu = target.ServerPid is { } pid ? ProcStat.CpuTime(pid) - serverCpuBefore : (TimeSpan?)null;
            var commands = (await target.ServerStatisticsAsync())?
                .Where(c => c.Value.Calls > 0)
                .OrderByDescending(c => c.Value.Micros)
                .ToDictionary(c => c.Key, c => new CommandCost((double)c.Value.Calls / settings.Tasks, (double)c.Value.Micros / settings.Tasks), StringComparer.Ordinal);

            // Each worker wrote "starting TS CPU" just before its host started; the drain is timed from the first of them.
            var start = long.MaxValue;
            var workerCpu = TimeSpan.Zero;
            RuntimeCounters? runtime = null;
            for (var c = 0; c < children.Count; c++)
            {
                var parts = (await children[c].WaitForLineAsync("starting ", TimeSpan.FromSeconds(5), cancellationToken)).Split(' ');
                start = Math.Min(start, long.Parse(parts[1], CultureInfo.InvariantCulture));
                workerCpu += workerCpuAfter[c] - TimeSpan.FromTicks(long.Parse(parts[2], CultureInfo.InvariantCulture));

                // What the runtime did from the host's start to now (the drain, and the host's own start-up).
                await children[c].WriteLineAsync("stats");
                var after = RuntimeCounters.Parse((await children[c].WaitForLineAsync("stats ", TimeSpan.FromSeconds(10), cancellationToken)).Split(' '));
                var before = RuntimeCounters.Parse(parts);
                if (after is not null && before is not null)
                {
                    var delta = after.Minus(before);
                    runtime = runtime is null ? delta : new RuntimeCounters(
                        runtime.AllocatedBytes + delta.AllocatedBytes, runtime.Gen0 + delta.Gen0, runtime.Gen1 + delta.Gen1,
                        runtime.Gen2 + delta.Gen2, runtime.GcPauseMs + delta.GcPauseMs, runtime.JitMs + delta.JitMs,
                        runtime.JitMethods + delta.JitMethods, runtime.WorkItems + delta.WorkItems, runtime.LockContentions + delta.LockContentions);
                }
            }

            var succeeded = await session.SucceededAsync(taskType, cancellationToken);
            if (succeeded != settings.Tasks)
            {
                throw new InvalidOperationException(
                    $"The drain ended with {succeeded} of {settings.Tasks} tasks counted succeeded in the storage's statistics.");
            }

            return new DrainOutcome(
                settings.Tasks / Seconds(start, end),
                settings.Tasks / Seconds(spawn, end),
                batchRate,
                workerCpu.TotalMicroseconds / settings.Tasks,
                serverCpu?.TotalMicroseconds / settings.Tasks,
                workerCpu.TotalSeconds / Seconds(start, end),
                commands,
                pendingAtHalf / Seconds(half, end),
                runtime);
        }
        finally
        {
            await Task.WhenAll(children.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Enqueues tasks one at a time from one client (after a short warm-up on another queue).</summary>
    /// <param name="target">The engine.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>Tasks per second.</returns>
    public async Task<double> SingleEnqueueAsync(EngineTarget target, CancellationToken cancellationToken)
    {
        var storage = await target.FreshAsync("enqueue-single");
        await using var session = await VigilSession.OpenAsync(storage, cancellationToken);
        var warmup = new EnqueueOptions { Queue = "warmup" };
        for (var i = 0; i < 50; i++)
        {
            await session.Client.EnqueueJsonAsync(BenchTask.Type, "{}", warmup, cancellationToken);
        }

        var options = new EnqueueOptions { Queue = "bench" };
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < settings.SingleEnqueueTasks; i++)
        {
            await session.Client.EnqueueJsonAsync(BenchTask.Type, "{}", options, cancellationToken);
        }

        return settings.SingleEnqueueTasks / Seconds(start, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Starts one worker (everything on) on empty queues, lets it settle, sends latency tasks one at a time and times each
    /// from just before its enqueue to its handler's start; then lets it settle again and measures its CPU over the idle
    /// window (and the background JIT's share of it) and its RSS.
    /// </summary>
    /// <param name="target">The engine.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The figures.</returns>
    public async Task<IdleLatencyOutcome> IdleAndLatencyAsync(EngineTarget target, CancellationToken cancellationToken)
    {
        var storage = await target.FreshAsync("idle-latency");
        await using var session = await VigilSession.OpenAsync(storage, cancellationToken);
        await using var worker = settings.Worker.Start(WorkerArguments(storage, ["bench"], observability: true), WorkerEnvironment());
        var ready = await worker.WaitForLineAsync("ready ", StartTimeout, cancellationToken);
        var pid = int.Parse(ready.Split(' ')[2], CultureInfo.InvariantCulture);

        // Warm-up: 20 no-op tasks (no index: the handler reports nothing) through the same path before the settle, so the
        // latencies are those of a running worker, not the first calls' JIT of this process's enqueue path or of the
        // worker's task path (the published harness and worker compile fully optimized, without tiering, on first call).
        var options = new EnqueueOptions { Queue = "bench" };
        for (var i = 0; i < 20; i++)
        {
            await session.Client.EnqueueJsonAsync(BenchTask.Type, "{}", options, cancellationToken);
        }

        await Task.Delay(settings.Settle, cancellationToken);
        var latencies = new List<double>(settings.LatencyTasks);
        var missed = 0;
        for (var i = 0; i < settings.LatencyTasks; i++)
        {
            var payload = string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}");
            var sent = Stopwatch.GetTimestamp();
            await session.Client.EnqueueJsonAsync(BenchTask.Type, payload, options, cancellationToken);
            try
            {
                var line = await worker.WaitForLineAsync(
                    string.Create(CultureInfo.InvariantCulture, $"start {i} "), LatencyTaskTimeout, cancellationToken);
                var started = long.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
                latencies.Add((started - sent) * 1000.0 / Stopwatch.Frequency);
            }
            catch (TimeoutException)
            {
                // A missed wake-up: count it at the timeout rather than wait for the next poll.
                missed++;
                latencies.Add(LatencyTaskTimeout.TotalMilliseconds);
            }

            // Vary the phase of the next enqueue against the worker's idle loop.
            await Task.Delay(Random.Shared.Next(0, 4), cancellationToken);
        }

        // Idle after the latency tasks: the task path is warm, queues are empty, only the worker's own loops run (consume
        // wait, heartbeats, probes, watchdog, metrics). The runtime's tiered JIT still recompiles methods as their call
        // counts grow, for a minute or more after start: sampled each second, so its share can be told apart.
        await Task.Delay(settings.Settle, cancellationToken);
        const string JitThread = ".NET Tiered Com";
        var cpuBefore = ProcStat.CpuTime(pid);
        var wallBefore = Stopwatch.GetTimestamp();
        var jit = TimeSpan.Zero;
        var jitThreads = ProcStat.ThreadCpuTimes(pid, JitThread);
        var idleEnd = wallBefore + (long)(settings.IdleWindow.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < idleEnd)
        {
            var left = TimeSpan.FromSeconds((idleEnd - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
            var now = ProcStat.ThreadCpuTimes(pid, JitThread);
            foreach (var (tid, time) in now)
            {
                jit += time - jitThreads.GetValueOrDefault(tid);
            }

            jitThreads = now;
        }

        var cpuAfter = ProcStat.CpuTime(pid);
        var wall = Stopwatch.GetElapsedTime(wallBefore);
        var rss = ProcStat.RssBytes(pid);
        var cpuPercent = (cpuAfter - cpuBefore).TotalSeconds / wall.TotalSeconds * 100;
        var jitPercent = Math.Min(cpuPercent, jit.TotalSeconds / wall.TotalSeconds * 100);

        latencies.Sort();
        return new IdleLatencyOutcome(cpuPercent, jitPercent, rss / 1024.0 / 1024.0, latencies, missed);
    }

    private static async Task<double> EnqueueBatchesAsync(IVigilClient client, string[] queues, int count, string taskType, CancellationToken cancellationToken)
    {
        var options = queues.Select(q => new EnqueueOptions { Queue = q }).ToArray();
        var batches = new List<List<TaskRequest>>();
        for (var done = 0; done < count;)
        {
            var size = Math.Min(500, count - done);
            var batch = new List<TaskRequest>(size);
            for (var k = 0; k < size; k++, done++)
            {
                batch.Add(new TaskRequest(taskType, "{}", options[done % options.Length]));
            }

            batches.Add(batch);
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var batch in batches)
        {
            await client.EnqueueBatchAsync(batch, cancellationToken);
        }

        return count / Seconds(start, Stopwatch.GetTimestamp());
    }

    private async Task<(long End, long Half, long PendingAtHalf)> WaitUntilDrainedAsync(
        VigilSession session, string[] queues, List<ChildProcess> children, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        long half = 0, pendingAtHalf = 0;
        while (true)
        {
            var (pending, dead) = await session.PendingAsync(queues, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            if (half == 0 && pending <= settings.Tasks / 2 && pending > 0)
            {
                // The first poll past half way: the steady-state rate is counted from here.
                (half, pendingAtHalf) = (now, pending);
            }

            if (pending == 0)
            {
                if (dead > 0)
                {
                    throw new InvalidOperationException($"{dead} of {settings.Tasks} tasks ended dead.");
                }

                return half == 0 ? (now, now - 1, 0) : (now, half, pendingAtHalf);
            }

            if (children.FirstOrDefault(c => c.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"A worker exited during the drain ({pending} tasks left). Its error output:\n{exited.StderrTail}");
            }

            if (now > deadline)
            {
                throw new TimeoutException($"The drain did not finish in {settings.DrainTimeout.TotalMinutes:F0} min: {pending} tasks left.");
            }

            // Poll often near the end (the end time's resolution) and rarely before (polling costs the worker CPU).
            await Task.Delay(pending > 1000 ? 50 : 5, cancellationToken);
        }
    }

    private ChildProcess StartCli(string cliPath, string[] arguments)
    {
        var child = ChildProcess.Start("dotnet", [cliPath, .. arguments], environment: WorkerEnvironment());

        // `vigil worker` drains and exits on SIGTERM, as under systemd or Docker.
        child.StopWithSigterm = true;
        return child;
    }

    private string[] CliWorkerArguments(string storage, IReadOnlyList<string> queues) =>
    [
        "worker",
        "--storage", storage.StartsWith("redis:", StringComparison.Ordinal) ? "redis://" + storage["redis:".Length..] : storage,
        "--queues", string.Join(',', queues),
        "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
    ];

    private string[] WorkerArguments(string storage, IReadOnlyList<string> queues, bool observability) =>
    [
        "--storage", storage, "--queues", string.Join(',', queues),
        "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
        "--observability", observability ? "on" : "off",
    ];

    private Dictionary<string, string>? WorkerEnvironment()
    {
        if (settings.TraceDirectory is null && settings.WorkerEnvironment.Count == 0)
        {
            return null;
        }

        var environment = new Dictionary<string, string>(settings.WorkerEnvironment, StringComparer.Ordinal);
        if (settings.TraceDirectory is not null)
        {
            Directory.CreateDirectory(settings.TraceDirectory);

            // The runtime's own EventPipe session from the first instruction to exit, with the CPU-sampling providers of
            // dotnet-trace's default profile; {pid} is replaced by the runtime.
            environment["DOTNET_EnableEventPipe"] = "1";
            environment["DOTNET_EventPipeOutputStreaming"] = "1";
            environment["DOTNET_EventPipeOutputPath"] = Path.Combine(settings.TraceDirectory, "worker-{pid}.nettrace");
            environment["DOTNET_EventPipeConfig"] = "Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:0x14C14FCCBD:4";
        }

        return environment;
    }

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
