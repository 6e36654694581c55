using System.Diagnostics;
using Vigil.Storage;
using Vigil.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Vigil.Redis.Tests;

/// <summary>
/// Measures the engine (the figures behind src/Vigil.Redis/README.md) and guards against gross regressions with loose
/// bounds: this machine is shared, so the asserts are far below the measured values.
/// </summary>
[Collection(SerialMeasurementCollection.Name)]
public sealed class RedisPerformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Drain_OneProcess_ClaimsAndCompletesThousandsPerSecond()
    {
        // Arrange
        const int Count = 50_000;
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "perf" });
        await using var owned = (IAsyncDisposable)storage;
        await storage.InitializeAsync(CancellationToken.None);
        var enqueue = Stopwatch.StartNew();
        for (var i = 0; i < Count; i += 1000)
        {
            await storage.EnqueueAsync(Enumerable.Range(0, 1000).Select(_ => TestSupport.Task()).ToList(), CancellationToken.None);
        }

        var enqueueRate = Count / enqueue.Elapsed.TotalSeconds;

        // Act: 4 claim loops of 100-task batches, each completing its batch concurrently (as a worker's slots do).
        var done = 0;
        var redisCpuBefore = await RedisCpuSecondsAsync(server);
        var processCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var drain = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var request = new ClaimRequest { WorkerId = $"perf-{w}", Queues = ["q"], MaxCount = 100, LeaseDuration = TimeSpan.FromMinutes(5) };
            while (true)
            {
                var claimed = await storage.ClaimAsync(request, CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                await Task.WhenAll(claimed.Select(t => storage.CompleteAsync(
                    new TaskCompletion { TaskId = t.Id, WorkerId = request.WorkerId, Attempt = t.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(1) },
                    CancellationToken.None).AsTask()));
                Interlocked.Add(ref done, claimed.Count);
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));
        var drainRate = Count / drain.Elapsed.TotalSeconds;
        var redisCpu = (await RedisCpuSecondsAsync(server) - redisCpuBefore) / drain.Elapsed.TotalSeconds * 100;
        var processCpu = (Process.GetCurrentProcess().TotalProcessorTime - processCpuBefore).TotalSeconds / drain.Elapsed.TotalSeconds * 100;

        // Assert
        output.WriteLine($"enqueue {enqueueRate:N0} tasks/s (batches of 1000); drain (claim + complete) {drainRate:N0} tasks/s; CPU while draining: redis-server {redisCpu:0} %, this process {processCpu:0} % of one core");
        Assert.Equal(Count, done);
        Assert.True(drainRate > 1_000, $"drain {drainRate:N0} tasks/s");
    }

    [Fact]
    public async Task WaitForWork_IdleWorker_StartsTasksPromptlyWithoutBurningCpu()
    {
        // Arrange: one worker loop (wait for work → claim → complete), as `vigil worker` runs it, with the core's
        // default poll interval of 1 s as the longest wait.
        await using var server = await RedisServer.StartAsync(new RedisServerOptions());
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "wake" });
        await using var owned = (IAsyncDisposable)storage;
        await storage.InitializeAsync(CancellationToken.None);

        // This process's CPU before the loop runs: the test process also holds what earlier tests left (thread-pool
        // threads that spin after every work item), 15-36 % of a core after the conformance suite (measured with perf).
        var process = Process.GetCurrentProcess();
        var baselineCpu = await CpuPercentOverAsync(process, TimeSpan.FromSeconds(3));
        var started = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            var request = new ClaimRequest { WorkerId = "idle-worker", Queues = ["q"], MaxCount = 10, LeaseDuration = TimeSpan.FromMinutes(1) };
            while (!stop.IsCancellationRequested)
            {
                var claimed = await storage.ClaimAsync(request, CancellationToken.None);
                foreach (var task in claimed)
                {
                    started[task.Id] = Stopwatch.GetTimestamp();
                    await storage.CompleteAsync(new TaskCompletion { TaskId = task.Id, WorkerId = request.WorkerId, Attempt = task.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.Zero }, CancellationToken.None);
                }

                if (claimed.Count == 0)
                {
                    await storage.WaitForWorkAsync(request.Queues, TimeSpan.FromSeconds(1), stop.Token);
                }
            }
        });

        // Act 1: this process's CPU over 3 s with the idle loop, and the Redis commands it sends.
        await Poll.UntilAsync(async () => (await storage.ProbeAsync(CancellationToken.None)) >= TimeSpan.Zero, TimeSpan.FromSeconds(5), "the storage to answer");
        var commandsBefore = long.Parse(await server.InfoAsync("stats", "total_commands_processed"), System.Globalization.CultureInfo.InvariantCulture);
        var wall = Stopwatch.StartNew();
        var idleCpuPercent = await CpuPercentOverAsync(process, TimeSpan.FromSeconds(3));
        var commandsPerSecond = (long.Parse(await server.InfoAsync("stats", "total_commands_processed"), System.Globalization.CultureInfo.InvariantCulture) - commandsBefore - 1)
            / wall.Elapsed.TotalSeconds;

        // Act 2: enqueue-to-start latency of 40 tasks enqueued one by one while the worker waits.
        var latencies = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var task = TestSupport.Task();
            var enqueuedAt = Stopwatch.GetTimestamp();
            await storage.EnqueueAsync([task], CancellationToken.None);
            await Poll.UntilAsync(() => started.ContainsKey(task.Id), TimeSpan.FromSeconds(5), "the task to start");
            latencies.Add(Stopwatch.GetElapsedTime(enqueuedAt, started[task.Id]).TotalMilliseconds);
        }

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        latencies.Sort();
        var median = latencies[latencies.Count / 2];
        var p95 = latencies[(int)(latencies.Count * 0.95)];
        output.WriteLine($"idle: CPU {idleCpuPercent:0.00} % of one core with the loop, {baselineCpu:0.00} % before it, {commandsPerSecond:0.0} Redis commands/s; enqueue-to-start latency median {median:0.0} ms, p95 {p95:0.0} ms, max {latencies[^1]:0.0} ms");
        Assert.True(commandsPerSecond < 50, $"{commandsPerSecond:0} Redis commands/s while idle (a polling loop would send hundreds)");
        Assert.True(idleCpuPercent - baselineCpu < 25, $"idle CPU {idleCpuPercent:0.0} % with the loop, {baselineCpu:0.0} % before it (a busy-polling loop would add a whole core)");
        Assert.True(median < 200, $"median latency {median:0} ms (a poll would be ~500 ms)");
    }

    private static async Task<double> RedisCpuSecondsAsync(RedisServer server) =>
        double.Parse(await server.InfoAsync("cpu", "used_cpu_user"), System.Globalization.CultureInfo.InvariantCulture)
        + double.Parse(await server.InfoAsync("cpu", "used_cpu_sys"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>This process's CPU over a window, in percent of one core.</summary>
    private static async Task<double> CpuPercentOverAsync(Process process, TimeSpan window)
    {
        process.Refresh();
        var before = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window); // measuring idleness itself: there is no condition to poll for
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds / wall.Elapsed.TotalMilliseconds * 100;
    }
}
