using Vigil.Bench.Measurement;

namespace Vigil.Bench.Report;

/// <summary>Everything one harness run measured: written as JSON to bench/results/ and rendered as the table.</summary>
internal sealed class BenchReport
{
    /// <summary>The JSON layout version.</summary>
    public int Schema { get; init; } = 1;

    /// <summary>When the run started (UTC, ISO 8601).</summary>
    public required string Date { get; init; }

    /// <summary>Whether this was the quick smoke-test mode (tiny N, one run, no peers): figures are not meaningful.</summary>
    public required bool Quick { get; init; }

    /// <summary>The machine and the versions of everything measured.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The workload.</summary>
    public required WorkloadInfo Workload { get; init; }

    /// <summary>The load average before and after the run, and sampled before each run.</summary>
    public required LoadInfo Load { get; init; }

    /// <summary>Vigil's figures per storage engine (<c>sqlite</c>, <c>redis</c>).</summary>
    public Dictionary<string, EngineResult> Engines { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The peers' figures, on the same Redis in the same run.</summary>
    public required PeersResult Peers { get; init; }

    /// <summary>Issue 5's targets beside the measured medians.</summary>
    public List<TargetCheck> Targets { get; init; } = [];

    /// <summary>Steps that failed, with their reason; empty on a clean run.</summary>
    public List<string> Errors { get; init; } = [];

    /// <summary>The whole run's wall time, in seconds.</summary>
    public double DurationSeconds { get; set; }
}

/// <summary>The machine and versions.</summary>
internal sealed record MachineInfo(
    string Os, string Cpu, int Cores, double MemoryGb, string Dotnet, string Vigil, string Redis, string? Node, string Host, string Worker);

/// <summary>The workload parameters.</summary>
internal sealed record WorkloadInfo(
    int Tasks, int Runs, int SingleEnqueueTasks, int BatchSize, int LatencyTasks, double IdleSeconds, int Concurrency,
    IReadOnlyList<int> WorkerCounts, int QueueCount, string Handler, int DrainPairs);

/// <summary>Machine load (1, 5, 15 minute averages).</summary>
internal sealed class LoadInfo
{
    /// <summary>Before the first step.</summary>
    public required double[] Before { get; init; }

    /// <summary>After the last step.</summary>
    public double[] After { get; set; } = [];

    /// <summary>Before each run.</summary>
    public List<double[]> PerRun { get; init; } = [];
}

/// <summary>Vigil's figures on one storage engine; each a median over the runs with min and max.</summary>
internal sealed class EngineResult
{
    /// <summary>Drain: N no-op tasks enqueued first, one worker process, everything on; from the worker host's start to the last task succeeded in storage.</summary>
    public Summary? DrainTasksPerSec { get; set; }

    /// <summary>The same drain counted from the worker process's spawn (includes .NET start-up).</summary>
    public Summary? DrainFromSpawnTasksPerSec { get; set; }

    /// <summary>The same drain by the real <c>vigil worker</c> process (its built-in <c>demo.noop</c>), counted from its spawn.</summary>
    public Summary? DrainByCliFromSpawnTasksPerSec { get; set; }

    /// <summary>The same drain's rate over its second half: start-up (JIT, connections) behind it.</summary>
    public Summary? DrainSteadyTasksPerSec { get; set; }

    /// <summary>
    /// CPU cost of the 1-worker drain (everything on): microseconds of worker CPU and of redis-server CPU per task, and the
    /// worker's CPU in cores over the drain. Less sensitive to other load on the machine than tasks/s.
    /// </summary>
    public DrainCostResult? DrainCost { get; set; }

    /// <summary>Single enqueues, one at a time from one client.</summary>
    public Summary? EnqueueSingleTasksPerSec { get; set; }

    /// <summary>Batch enqueues (<see cref="WorkloadInfo.BatchSize"/> tasks a call) from one client.</summary>
    public Summary? EnqueueBatchTasksPerSec { get; set; }

    /// <summary>Enqueue to handler start against an idle, running worker, one task at a time.</summary>
    public LatencyResult? Latency { get; set; }

    /// <summary>The idle worker's cost with empty queues.</summary>
    public IdleResult? Idle { get; set; }

    /// <summary>Drain with probes, heartbeats, metrics and tracing on versus off.</summary>
    public ObservabilityResult? Observability { get; set; }

    /// <summary>Drain with more worker processes and more queues.</summary>
    public ScalingResult? Scaling { get; set; }
}

/// <summary>CPU cost of a drain.</summary>
internal sealed class DrainCostResult
{
    /// <summary>Worker CPU per task, in µs (user + system, from the worker host's start).</summary>
    public Summary? WorkerMicrosPerTask { get; init; }

    /// <summary>redis-server CPU per task, in µs; <see langword="null"/> for SQLite.</summary>
    public Summary? ServerMicrosPerTask { get; init; }

    /// <summary>Worker CPU over the drain's wall time, in cores.</summary>
    public Summary? WorkerCores { get; init; }

    /// <summary>Worker allocations per task over the drain (from the host's start), in KB (2^10 bytes).</summary>
    public Summary? AllocatedKbPerTask { get; set; }

    /// <summary>Thread-pool work items per task over the drain.</summary>
    public Summary? WorkItemsPerTask { get; set; }

    /// <summary>JIT compilation time during the drain (from the host's start), in ms.</summary>
    public Summary? JitMs { get; set; }

    /// <summary>GC pause time during the drain, in ms.</summary>
    public Summary? GcPauseMs { get; set; }

    /// <summary>Generation 0 collections during the drain.</summary>
    public Summary? Gen0Collections { get; set; }

    /// <summary>Contended lock waits per 1,000 tasks.</summary>
    public Summary? LockContentionsPerThousandTasks { get; set; }

    /// <summary>Redis commands per task in the last run's drain (calls and server µs per task), costliest first; Redis only.</summary>
    public IReadOnlyDictionary<string, Scenarios.CommandCost>? RedisCommandsPerTask { get; set; }
}

/// <summary>Latency percentiles; each a median over the runs.</summary>
internal sealed class LatencyResult
{
    /// <summary>Tasks per run.</summary>
    public int Count { get; init; }

    /// <summary>The median latency.</summary>
    public Summary? P50Ms { get; init; }

    /// <summary>The 95th percentile.</summary>
    public Summary? P95Ms { get; init; }

    /// <summary>The 99th percentile.</summary>
    public Summary? P99Ms { get; init; }

    /// <summary>The largest.</summary>
    public Summary? MaxMs { get; init; }

    /// <summary>Tasks whose start was not seen within the per-task timeout, summed over the runs.</summary>
    public int Missed { get; init; }
}

/// <summary>Idle cost.</summary>
internal sealed class IdleResult
{
    /// <summary>CPU use over the idle window, in percent of one core.</summary>
    public Summary? CpuPercent { get; init; }

    /// <summary>
    /// The same without the runtime's background tiered-JIT thread, which keeps recompiling for a minute or more after a
    /// start (a one-time cost that ReadyToRun images avoid).
    /// </summary>
    public Summary? CpuPercentWithoutJit { get; init; }

    /// <summary>Resident set size at the end of the idle window, in MB (2^20 bytes).</summary>
    public Summary? RssMb { get; init; }
}

/// <summary>Observability overhead.</summary>
internal sealed class ObservabilityResult
{
    /// <summary>Drain with everything on.</summary>
    public Summary? OnTasksPerSec { get; init; }

    /// <summary>Drain with probes, heartbeats, metrics and tracing off.</summary>
    public Summary? OffTasksPerSec { get; init; }

    /// <summary>(1 − on/off) × 100, from the paired drains of each run.</summary>
    public Summary? OverheadPercent { get; init; }

    /// <summary>
    /// Worker CPU per task of the drains with everything off (the on drains' is
    /// <see cref="DrainCostResult.WorkerMicrosPerTask"/>): what observability costs in CPU, a steadier figure than the
    /// throughput ratio, which the machine's noise moves by ±4-7 % (standard deviation) a pair.
    /// </summary>
    public Summary? OffWorkerMicrosPerTask { get; init; }

    /// <summary>Bytes the worker allocated per task in the drains with everything off, in KB.</summary>
    public Summary? OffAllocatedKbPerTask { get; init; }

    /// <summary>The worker's total GC pause in one drain with everything off, in ms.</summary>
    public Summary? OffGcPauseMs { get; init; }
}

/// <summary>Scaling.</summary>
internal sealed class ScalingResult
{
    /// <summary>Drain tasks/s by worker-process count (one queue).</summary>
    public Dictionary<string, Summary?> Workers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Drain tasks/s by queue count (one worker consuming all of them).</summary>
    public Dictionary<string, Summary?> Queues { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>The peers.</summary>
internal sealed class PeersResult
{
    /// <summary>Why the peers did not run (quick mode, <c>--no-peers</c>), or <see langword="null"/>.</summary>
    public string? Skipped { get; set; }

    /// <summary>BullMQ.</summary>
    public PeerResult? Bullmq { get; set; }

    /// <summary>Hangfire.</summary>
    public PeerResult? Hangfire { get; set; }
}

/// <summary>A peer's figures.</summary>
internal sealed class PeerResult
{
    /// <summary>The peer's name and version, such as <c>BullMQ 6.7.0</c>.</summary>
    public required string Name { get; set; }

    /// <summary>How the peer was configured (worker count, storage, runtime).</summary>
    public string? Setup { get; set; }

    /// <summary>Drain of N no-op jobs by one worker.</summary>
    public Summary? DrainTasksPerSec { get; set; }

    /// <summary>Enqueue throughput (batch for BullMQ's addBulk, single for Hangfire).</summary>
    public Summary? EnqueueTasksPerSec { get; set; }

    /// <summary>How the enqueue was done.</summary>
    public string? EnqueueKind { get; set; }

    /// <summary>Latency against the idle worker.</summary>
    public LatencyResult? Latency { get; set; }
}

/// <summary>One target of issue 5 beside the measured median.</summary>
/// <param name="Name">What is measured.</param>
/// <param name="Target">The target as text, such as <c>≥ 25,000 tasks/s</c>.</param>
/// <param name="Actual">The measured median, or <see langword="null"/> when not measured.</param>
/// <param name="Unit">The unit.</param>
/// <param name="Met">Whether the median meets the target.</param>
internal sealed record TargetCheck(string Name, string Target, double? Actual, string Unit, bool Met);
