namespace Vigil.Bench.Worker;

/// <summary>
/// The benchmark's task type, handled by the worker's <c>BenchHandler</c> and enqueued by the harness. Compiled
/// into both.
/// </summary>
internal static class BenchTask
{
    /// <summary>The task type.</summary>
    public const string Type = "bench.noop";
}
