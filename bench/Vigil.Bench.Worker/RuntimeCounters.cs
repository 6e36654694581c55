using System.Globalization;
using System.Runtime;

namespace Vigil.Bench.Worker;

/// <summary>
/// The worker process's runtime counters at one moment: allocations, collections, GC pauses, JIT, thread-pool work items
/// and lock contention. The worker prints them as <c>key=value</c> words; the harness subtracts two snapshots to tell what
/// a drain cost per task.
/// </summary>
/// <param name="AllocatedBytes">Bytes allocated so far by every thread.</param>
/// <param name="Gen0">Generation 0 collections.</param>
/// <param name="Gen1">Generation 1 collections.</param>
/// <param name="Gen2">Generation 2 collections.</param>
/// <param name="GcPauseMs">Total GC pause time, in ms.</param>
/// <param name="JitMs">Time spent compiling methods, in ms.</param>
/// <param name="JitMethods">Methods compiled.</param>
/// <param name="WorkItems">Thread-pool work items completed.</param>
/// <param name="LockContentions">Times a thread waited for a contended lock.</param>
internal sealed record RuntimeCounters(
    long AllocatedBytes, long Gen0, long Gen1, long Gen2, double GcPauseMs, double JitMs, long JitMethods, long WorkItems, long LockContentions)
{
    /// <summary>Reads the counters now.</summary>
    /// <returns>The snapshot.</returns>
    public static RuntimeCounters Now() => new(
        GC.GetTotalAllocatedBytes(precise: false),
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalMilliseconds,
        JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds,
        JitInfo.GetCompiledMethodCount(currentThread: false),
        ThreadPool.CompletedWorkItemCount,
        Monitor.LockContentionCount);

    /// <summary>The counters as <c>key=value</c> words for the line protocol.</summary>
    /// <returns>The text.</returns>
    public string Format() => string.Create(
        CultureInfo.InvariantCulture,
        $"alloc={AllocatedBytes} gen0={Gen0} gen1={Gen1} gen2={Gen2} gcpause={GcPauseMs:F3} jit={JitMs:F3} jitmethods={JitMethods} workitems={WorkItems} contentions={LockContentions}");

    /// <summary>Parses the words written by <see cref="Format"/> (other words are ignored).</summary>
    /// <param name="words">The words of a line.</param>
    /// <returns>The snapshot, or <see langword="null"/> if the line carries none.</returns>
    public static RuntimeCounters? Parse(IEnumerable<string> words)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && double.TryParse(word[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[word[..eq]] = value;
            }
        }

        if (!values.ContainsKey("alloc"))
        {
            return null;
        }

        long L(string key) => (long)values.GetValueOrDefault(key);
        return new RuntimeCounters(
            L("alloc"), L("gen0"), L("gen1"), L("gen2"), values.GetValueOrDefault("gcpause"), values.GetValueOrDefault("jit"),
            L("jitmethods"), L("workitems"), L("contentions"));
    }

    /// <summary>The difference of two snapshots.</summary>
    /// <param name="earlier">The earlier snapshot.</param>
    /// <returns>What happened between them.</returns>
    public RuntimeCounters Minus(RuntimeCounters earlier) => new(
        AllocatedBytes - earlier.AllocatedBytes, Gen0 - earlier.Gen0, Gen1 - earlier.Gen1, Gen2 - earlier.Gen2,
        GcPauseMs - earlier.GcPauseMs, JitMs - earlier.JitMs, JitMethods - earlier.JitMethods, WorkItems - earlier.WorkItems,
        LockContentions - earlier.LockContentions);
}
