// Hangfire peer of the Vigil benchmark: Hangfire 1.8 with Hangfire.Redis.StackExchange, on the Redis it is given.
//   1. enqueue N no-op jobs from one client (BackgroundJobClient, one job at a time: Hangfire has no batch enqueue);
//   2. start ONE BackgroundJobServer and time the drain from its creation until the storage's succeeded counter
//      reaches N;
//   3. end-to-end latency: L jobs one at a time against the idle, running server (enqueue to job start), each
//      bounded by a timeout so a missed wake-up is counted rather than waited out.
// Prints one JSON object on stdout; progress goes to stderr.
//
//   dotnet Vigil.Bench.Hangfire.dll --redis 127.0.0.1:6379 --n 20000 --latency 100 --workers 8 --prefix hf1:
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Redis.StackExchange;
using StackExchange.Redis;

var settings = PeerSettings.Parse(args);
using var redis = await ConnectionMultiplexer.ConnectAsync(settings.Redis).ConfigureAwait(false);
var storage = new RedisStorage(redis, new RedisStorageOptions { Prefix = settings.Prefix });
GlobalConfiguration.Configuration
    .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
    .UseSimpleAssemblyNameTypeSerializer()
    .UseRecommendedSerializerSettings()
    .UseStorage(storage);
var client = new BackgroundJobClient(storage);
var db = redis.GetDatabase();
var succeededKey = settings.Prefix + "stats:succeeded";

// 1. Enqueue.
var enqueueStart = Stopwatch.GetTimestamp();
for (var i = 0; i < settings.N; i++)
{
    client.Enqueue(() => NoopJob.Run());
}

var enqueueSeconds = Stopwatch.GetElapsedTime(enqueueStart).TotalSeconds;
Log($"enqueued {settings.N} in {enqueueSeconds:F2} s");

// 2. Drain by one server.
var serverOptions = new BackgroundJobServerOptions
{
    WorkerCount = settings.Workers,
    Queues = ["default"],
    ServerName = "bench-hangfire",
};
var drainStart = Stopwatch.GetTimestamp();
double drainSeconds;
using (var server = new BackgroundJobServer(serverOptions, storage))
{
    var deadline = drainStart + (long)(600 * Stopwatch.Frequency);
    while (true)
    {
        var succeeded = (long?)await db.StringGetAsync(succeededKey).ConfigureAwait(false) ?? 0;
        if (succeeded >= settings.N)
        {
            drainSeconds = Stopwatch.GetElapsedTime(drainStart).TotalSeconds;
            break;
        }

        if (Stopwatch.GetTimestamp() > deadline)
        {
            Log($"drain did not finish in 600 s: {succeeded}/{settings.N}");
            return 1;
        }

        await Task.Delay(5).ConfigureAwait(false);
    }

    Log($"drained {settings.N} in {drainSeconds:F2} s");

    // 3. Latency against the idle server.
    await Task.Delay(1000).ConfigureAwait(false);
    var samples = new List<double>();
    var missed = 0;
    for (var i = 0; i < settings.Latency; i++)
    {
        var started = NoopJob.Expect(i);
        var t0 = Stopwatch.GetTimestamp();
        client.Enqueue(() => NoopJob.Mark(i));
        try
        {
            var t1 = await started.WaitAsync(TimeSpan.FromSeconds(settings.LatencyTimeoutSeconds)).ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
        }
        catch (TimeoutException)
        {
            // A missed wake-up: the job sits until Hangfire's next poll. Count it and move on rather than wait it out.
            missed++;
            samples.Add(settings.LatencyTimeoutSeconds * 1000.0);
        }

        await Task.Delay(Random.Shared.Next(0, 4)).ConfigureAwait(false);
    }

    samples.Sort();
    var result = new
    {
        peer = "hangfire",
        version = typeof(BackgroundJob).Assembly.GetName().Version?.ToString(3),
        storage = "Hangfire.Redis.StackExchange " + typeof(RedisStorage).Assembly.GetName().Version?.ToString(3),
        n = settings.N,
        workers = settings.Workers,
        enqueueSinglePerSec = settings.N / enqueueSeconds,
        drainPerSec = settings.N / drainSeconds,
        drainSeconds,
        latency = samples.Count == 0 ? null : new
        {
            count = samples.Count,
            p50Ms = Percentile(samples, 50),
            p95Ms = Percentile(samples, 95),
            p99Ms = Percentile(samples, 99),
            maxMs = samples[^1],
            missed,
            timeoutMs = settings.LatencyTimeoutSeconds * 1000.0,
        },
    };
    Console.Out.WriteLine(JsonSerializer.Serialize(result));
    server.SendStop();
}

return 0;

static double Percentile(List<double> sorted, double p)
{
    var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
}

static void Log(string text) => Console.Error.WriteLine("[hangfire] " + text);

/// <summary>The jobs the peer runs. Public and static so Hangfire can serialize the call.</summary>
public static class NoopJob
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<long>> Waiting = new();

    /// <summary>The drain job: does nothing.</summary>
    public static void Run()
    {
    }

    /// <summary>The latency job: records its start time for the waiting enqueuer.</summary>
    /// <param name="index">The sample index.</param>
    public static void Mark(int index)
    {
        var now = Stopwatch.GetTimestamp();
        if (Waiting.TryRemove(index, out var source))
        {
            source.TrySetResult(now);
        }
    }

    /// <summary>Registers a sample before its job is enqueued.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>Completes with the job's start timestamp.</returns>
    public static Task<long> Expect(int index)
    {
        var source = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiting[index] = source;
        return source.Task;
    }
}

/// <summary>Command-line settings of the peer.</summary>
internal sealed record PeerSettings(string Redis, int N, int Latency, int Workers, string Prefix, int LatencyTimeoutSeconds)
{
    public static PeerSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--redis"] = "127.0.0.1:6379",
            ["--n"] = "20000",
            ["--latency"] = "100",
            ["--workers"] = "8",
            ["--prefix"] = "hangfire-bench:",
            ["--latency-timeout"] = "5",
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]) || i + 1 >= args.Length)
            {
                throw new ArgumentException(
                    $"Unknown or incomplete argument '{args[i]}': use {string.Join(", ", values.Keys)} followed by a value.");
            }

            values[args[i]] = args[i + 1];
        }

        static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
        return new PeerSettings(
            values["--redis"], Int(values["--n"]), Int(values["--latency"]), Int(values["--workers"]), values["--prefix"],
            Int(values["--latency-timeout"]));
    }
}
