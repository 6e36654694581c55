using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Vigil.Bench.Infrastructure;

namespace Vigil.Bench.Peers;

/// <summary>Runs the peers (BullMQ's Node script, the Hangfire program) on the run's Redis and reads their JSON line.</summary>
/// <param name="settings">The run's settings.</param>
/// <param name="repoRoot">The checkout, where bench/peers is.</param>
internal sealed class PeerRunner(BenchSettings settings, string repoRoot)
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Where the BullMQ peer lives.</summary>
    public string BullMqDirectory => Path.Combine(repoRoot, "bench", "peers", "bullmq");

    /// <summary>Runs the BullMQ peer once.</summary>
    /// <param name="redis">The run's Redis, flushed first.</param>
    /// <returns>Its figures.</returns>
    public async Task<PeerOutcome> RunBullMqAsync(RedisServer redis)
    {
        if (!Directory.Exists(Path.Combine(BullMqDirectory, "node_modules", "bullmq")))
        {
            throw new InvalidOperationException(
                $"BullMQ is not installed in {BullMqDirectory}: run 'npm ci' there (bench/run does it), or pass --no-peers.");
        }

        await redis.FlushAsync();
        await using var process = ChildProcess.Start(
            settings.Node,
            ["bench.mjs", "--redis", redis.EndPoint, "--n", Text(settings.Tasks), "--latency", Text(settings.LatencyTasks),
             "--concurrency", Text(settings.Concurrency), "--prefix", "bull"],
            BullMqDirectory);
        using var json = await ReadResultAsync(process);
        var root = json.RootElement;
        return new PeerOutcome(
            $"BullMQ {root.GetProperty("version").GetString()}",
            $"Node {root.GetProperty("node").GetString()}, one Worker, concurrency {settings.Concurrency}, addBulk of 1,000",
            root.GetProperty("drainPerSec").GetDouble(),
            root.GetProperty("enqueueBatchPerSec").GetDouble(),
            Latencies(root.GetProperty("latency")),
            0);
    }

    /// <summary>Runs the Hangfire peer once.</summary>
    /// <param name="redis">The run's Redis, flushed first.</param>
    /// <returns>Its figures.</returns>
    public async Task<PeerOutcome> RunHangfireAsync(RedisServer redis)
    {
        await redis.FlushAsync();
        var (fileName, prefixArguments) = HangfireCommand();
        await using var process = ChildProcess.Start(
            fileName,
            [.. prefixArguments, "--redis", redis.EndPoint, "--n", Text(settings.Tasks), "--latency", Text(settings.HangfireLatencyTasks),
             "--workers", Text(settings.Concurrency), "--prefix", "hangfire:"]);
        using var json = await ReadResultAsync(process);
        var root = json.RootElement;
        var latency = root.GetProperty("latency");
        return new PeerOutcome(
            $"Hangfire {root.GetProperty("version").GetString()}",
            $"{root.GetProperty("storage").GetString()}, one BackgroundJobServer, {settings.Concurrency} workers",
            root.GetProperty("drainPerSec").GetDouble(),
            root.GetProperty("enqueueSinglePerSec").GetDouble(),
            Latencies(latency),
            latency.ValueKind == JsonValueKind.Object ? latency.GetProperty("missed").GetInt32() : 0);
    }

    private (string FileName, string[] Arguments) HangfireCommand()
    {
        // The Hangfire peer is its own project (its StackExchange.Redis 2.x must not meet Vigil's 3.x), built beside this
        // harness by a project reference, in the same configuration.
        var configuration = typeof(PeerRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        foreach (var candidate in new[] { configuration, "Release", "Debug" }.Distinct())
        {
            var dll = Path.Combine(repoRoot, "bench", "peers", "hangfire", "bin", candidate, "net10.0", "Vigil.Bench.Hangfire.dll");
            if (File.Exists(dll))
            {
                return ("dotnet", [dll]);
            }
        }

        throw new InvalidOperationException(
            "The Hangfire peer is not built: run 'dotnet build -c Release bench/peers/hangfire' (bench/run does it), or pass --no-peers.");
    }

    private static async Task<JsonDocument> ReadResultAsync(ChildProcess process)
    {
        var lines = await process.ReadToEndAsync(PeerTimeout);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var result = lines.LastOrDefault(l => l.StartsWith('{'));
        if (exit != 0 || result is null)
        {
            throw new InvalidOperationException($"'{process.Display}' exited with {exit} without a result. Its error output:\n{process.StderrTail}");
        }

        return JsonDocument.Parse(result);
    }

    private static double[]? Latencies(JsonElement latency) =>
        latency.ValueKind != JsonValueKind.Object
            ? null
            : [latency.GetProperty("p50Ms").GetDouble(), latency.GetProperty("p95Ms").GetDouble(),
               latency.GetProperty("p99Ms").GetDouble(), latency.GetProperty("maxMs").GetDouble()];

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
