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
internal sealed record DrainOutcome(double TasksPerSec, double FromSpawnTasksPerSec, double BatchEnqueueTasksPerSec);

/// <summary>What one idle-and-latency step measured.</summary>
/// <param name="CpuPercent">Worker CPU over the idle window, in percent of one core.</param>
/// <param name="RssMb">Worker RSS at the end of the idle window, in MB.</param>
/// <param name="LatenciesMs">Enqueue-to-handler-start latencies, sorted ascending.</param>
/// <param name="Missed">Tasks whose start was not seen within the per-task timeout.</param>
internal sealed record IdleLatencyOutcome(double CpuPercent, double RssMb, IReadOnlyList<double> LatenciesMs, int Missed);

/// <summary>The Vigil measurements, each on a fresh store with real worker child processes.</summary>
/// <param name="settings">The run's settings.</param>
internal sealed class VigilSteps(BenchSettings settings)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LatencyTaskTimeout = TimeSpan.FromSeconds(10);

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
    public async Task<DrainOutcome> DrainAsync(EngineTarget target, int workers, int queueCount, bool observability, CancellationToken cancellationToken)
    {
        var storage = await target.FreshAsync($"drain-w{workers}-q{queueCount}-{(observability ? "on" : "off")}");
        string[] queues = queueCount == 1 ? ["bench"] : [.. Enumerable.Range(0, queueCount).Select(i => $"bench{i}")];
        await using var session = await VigilSession.OpenAsync(storage, cancellationToken);

        var batchRate = await EnqueueBatchesAsync(session.Client, queues, settings.Tasks, cancellationToken);

        var spawn = Stopwatch.GetTimestamp();
        var children = new List<ChildProcess>();
        try
        {
            for (var w = 0; w < workers; w++)
            {
                children.Add(ChildProcess.StartSelf(WorkerArguments(storage, queues, observability), WorkerEnvironment()));
            }

            var end = await WaitUntilDrainedAsync(session, queues, children, cancellationToken);

            // Each worker wrote "starting TS" just before its host started; the drain is timed from the first of them.
            var start = long.MaxValue;
            foreach (var child in children)
            {
                var line = await child.WaitForLineAsync("starting ", TimeSpan.FromSeconds(5), cancellationToken);
                start = Math.Min(start, long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
            }

            var succeeded = await session.SucceededAsync(cancellationToken);
            if (succeeded != settings.Tasks)
            {
                throw new InvalidOperationException(
                    $"The drain ended with {succeeded} of {settings.Tasks} tasks counted succeeded in the storage's statistics.");
            }

            return new DrainOutcome(
                settings.Tasks / Seconds(start, end),
                settings.Tasks / Seconds(spawn, end),
                batchRate);
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
            await session.Client.EnqueueJsonAsync(BenchHandler.TaskType, "{}", warmup, cancellationToken);
        }

        var options = new EnqueueOptions { Queue = "bench" };
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < settings.SingleEnqueueTasks; i++)
        {
            await session.Client.EnqueueJsonAsync(BenchHandler.TaskType, "{}", options, cancellationToken);
        }

        return settings.SingleEnqueueTasks / Seconds(start, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Starts one worker (everything on) on empty queues, lets it settle, measures its CPU over the idle window and its
    /// RSS, then sends latency tasks one at a time and times each from just before its enqueue to its handler's start.
    /// </summary>
    /// <param name="target">The engine.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The figures.</returns>
    public async Task<IdleLatencyOutcome> IdleAndLatencyAsync(EngineTarget target, CancellationToken cancellationToken)
    {
        var storage = await target.FreshAsync("idle-latency");
        await using var session = await VigilSession.OpenAsync(storage, cancellationToken);
        await using var worker = ChildProcess.StartSelf(WorkerArguments(storage, ["bench"], observability: true), WorkerEnvironment());
        var ready = await worker.WaitForLineAsync("ready ", StartTimeout, cancellationToken);
        var pid = int.Parse(ready.Split(' ')[2], CultureInfo.InvariantCulture);

        await Task.Delay(settings.Settle, cancellationToken);
        var cpuBefore = ProcStat.CpuTime(pid);
        var wallBefore = Stopwatch.GetTimestamp();
        await Task.Delay(settings.IdleWindow, cancellationToken);
        var cpuAfter = ProcStat.CpuTime(pid);
        var wall = Stopwatch.GetElapsedTime(wallBefore);
        var rss = ProcStat.RssBytes(pid);
        var cpuPercent = (cpuAfter - cpuBefore).TotalSeconds / wall.TotalSeconds * 100;

        var options = new EnqueueOptions { Queue = "bench" };
        var latencies = new List<double>(settings.LatencyTasks);
        var missed = 0;
        for (var i = 0; i < settings.LatencyTasks; i++)
        {
            var payload = string.Create(CultureInfo.InvariantCulture, $"{{\"i\":{i}}}");
            var sent = Stopwatch.GetTimestamp();
            await session.Client.EnqueueJsonAsync(BenchHandler.TaskType, payload, options, cancellationToken);
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

        latencies.Sort();
        return new IdleLatencyOutcome(cpuPercent, rss / 1024.0 / 1024.0, latencies, missed);
    }

    private static async Task<double> EnqueueBatchesAsync(IVigilClient client, string[] queues, int count, CancellationToken cancellationToken)
    {
        var options = queues.Select(q => new EnqueueOptions { Queue = q }).ToArray();
        var batches = new List<List<TaskRequest>>();
        for (var done = 0; done < count;)
        {
            var size = Math.Min(500, count - done);
            var batch = new List<TaskRequest>(size);
            for (var k = 0; k < size; k++, done++)
            {
                batch.Add(new TaskRequest(BenchHandler.TaskType, "{}", options[done % options.Length]));
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

    private async Task<long> WaitUntilDrainedAsync(
        VigilSession session, string[] queues, List<ChildProcess> children, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var (pending, dead) = await session.PendingAsync(queues, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            if (pending == 0)
            {
                if (dead > 0)
                {
                    throw new InvalidOperationException($"{dead} of {settings.Tasks} tasks ended dead.");
                }

                return now;
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

    private string[] WorkerArguments(string storage, IReadOnlyList<string> queues, bool observability) =>
    [
        "worker", "--storage", storage, "--queues", string.Join(',', queues),
        "--concurrency", settings.Concurrency.ToString(CultureInfo.InvariantCulture),
        "--observability", observability ? "on" : "off",
    ];

    private Dictionary<string, string>? WorkerEnvironment()
    {
        if (settings.TraceDirectory is null)
        {
            return null;
        }

        Directory.CreateDirectory(settings.TraceDirectory);

        // The runtime's own EventPipe session from the first instruction to exit, with the CPU-sampling providers of
        // dotnet-trace's default profile; {pid} is replaced by the runtime.
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_EnableEventPipe"] = "1",
            ["DOTNET_EventPipeOutputStreaming"] = "1",
            ["DOTNET_EventPipeOutputPath"] = Path.Combine(settings.TraceDirectory, "worker-{pid}.nettrace"),
            ["DOTNET_EventPipeConfig"] = "Microsoft-DotNETCore-SampleProfiler:0:5,Microsoft-Windows-DotNETRuntime:0x14C14FCCBD:4",
        };
    }

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
