using Vigil.Bench.Infrastructure;

namespace Vigil.Bench;

/// <summary>What one harness run does. Defaults are the full run of issue 5; <see cref="Quick"/> shrinks everything.</summary>
internal sealed record BenchSettings
{
    private readonly WorkerBinary? _worker;

    /// <summary>The quick smoke-test mode: tiny N, one run, short idle window, no peers.</summary>
    public bool Quick { get; init; }

    /// <summary>No-op tasks per drain. Default 20,000.</summary>
    public int Tasks { get; init; } = 20_000;

    /// <summary>Runs of every step; each figure is their median. Default 3.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>The storage engines measured, in order. Default <c>sqlite, redis</c>.</summary>
    public IReadOnlyList<string> Engines { get; init; } = ["sqlite", "redis"];

    /// <summary>Whether BullMQ and Hangfire run too. Default <see langword="true"/>.</summary>
    public bool Peers { get; init; } = true;

    /// <summary>Tasks enqueued one at a time for the single-enqueue figure. Default 5,000.</summary>
    public int SingleEnqueueTasks { get; init; } = 5_000;

    /// <summary>Tasks per batch-enqueue call. Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Tasks of the latency step, one at a time. Default 500.</summary>
    public int LatencyTasks { get; init; } = 500;

    /// <summary>Latency tasks for Hangfire, whose missed wake-ups cost up to the per-task timeout each. Default 100.</summary>
    public int HangfireLatencyTasks { get; init; } = 100;

    /// <summary>The idle window over which worker CPU is measured. Default 10 s.</summary>
    public TimeSpan IdleWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a fresh worker settles (start-up JIT and tiering) before the idle window. Default 3 s.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Concurrent slots of every worker (Vigil, BullMQ, Hangfire alike). Default 8 (Vigil's default on 2 cores).</summary>
    public int Concurrency { get; init; } = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>Worker-process counts of the scaling step. Default 1, 2, 4.</summary>
    public IReadOnlyList<int> WorkerCounts { get; init; } = [1, 2, 4];

    /// <summary>Queue count of the many-queues step. Default 10.</summary>
    public int ManyQueues { get; init; } = 10;

    /// <summary>Where the JSON result goes. Default <c>bench/results/</c> of the checkout.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The <c>redis-server</c> executable. Default from PATH.</summary>
    public string RedisServer { get; init; } = "redis-server";

    /// <summary>The <c>node</c> executable. Default from PATH.</summary>
    public string Node { get; init; } = "node";

    /// <summary>
    /// The Vigil steps to run: <c>drain</c> (1 worker, everything on), <c>observability</c> (the paired drain with it off),
    /// <c>workers</c> (2 and 4 processes), <c>queues</c> (10 queues), <c>cli</c> (the drain by the real <c>vigil worker</c>),
    /// <c>enqueue</c> (single enqueues), <c>latency</c> (latency, then idle cost). Default: all of them.
    /// </summary>
    public IReadOnlySet<string> Steps { get; init; } = AllSteps;

    /// <summary>Every step name.</summary>
    public static IReadOnlySet<string> AllSteps { get; } =
        new HashSet<string>(["drain", "observability", "workers", "queues", "cli", "enqueue", "latency"], StringComparer.Ordinal);

    /// <summary>
    /// When set, every Vigil worker process writes a CPU-sampling EventPipe trace (<c>worker-PID.nettrace</c>) into this
    /// folder, for <c>dotnet-trace report FILE topN</c> or PerfView. Tracing slows the workers: figures of such a run are
    /// for profiling, not for the README.
    /// </summary>
    public string? TraceDirectory { get; init; }

    /// <summary>
    /// Observability-on/off drain pairs per run (default 16; their order alternates). One pair's ratio varies by ±4-7 %
    /// (standard deviation; single pairs from −26 % to +14 %) on a shared 2-core machine while the overhead being measured
    /// is 1-3 %, so the overhead figure is the median of runs × pairs ratios: 48 by default. With 24 (8 per run) it was
    /// 0.7, 2.3 and 3.3 % in three full runs of one day (standard error of such a median ≈ 1.25 × 4-7 / √24 ≈ 1-1.8
    /// points); 48 take it to ≈ 0.7-1.3. Every on-drain also counts in the drain figure.
    /// </summary>
    public int DrainPairs { get; init; } = 16;

    /// <summary>The Vigil worker program (<c>--worker</c>): the Native AOT or the JIT build of bench/Vigil.Bench.Worker.</summary>
    public WorkerBinary Worker
    {
        get => _worker ?? throw new InvalidOperationException("No Vigil worker program was chosen (--worker).");
        init => _worker = value;
    }

    /// <summary>Extra environment variables for every Vigil worker process (runtime knobs for experiments).</summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The longest a single drain may take before the step is failed. Default 10 minutes.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Applies the quick mode.</summary>
    /// <returns>Settings for a run of a few seconds whose figures only prove the harness works.</returns>
    public BenchSettings AsQuick() => this with
    {
        Quick = true,
        Tasks = 300,
        Runs = 1,
        DrainPairs = 1,
        Peers = false,
        SingleEnqueueTasks = 100,
        LatencyTasks = 20,
        HangfireLatencyTasks = 10,
        IdleWindow = TimeSpan.FromSeconds(1),
        Settle = TimeSpan.FromMilliseconds(500),
        DrainTimeout = TimeSpan.FromMinutes(2),
    };
}
