using System.Diagnostics;
using System.Globalization;
using Vigil.Handlers;

namespace Vigil.Bench.Worker;

/// <summary>
/// The benchmark's task: does nothing, except that a latency task reports its start on standard output as
/// <c>start INDEX TIMESTAMP</c>. The timestamp is <see cref="Stopwatch.GetTimestamp"/>, the machine-wide monotonic clock
/// on Linux (CLOCK_MONOTONIC), so the harness compares it with its own enqueue timestamps.
/// </summary>
internal sealed class BenchHandler : ITaskHandler<BenchPayload>
{
    /// <summary>The task type.</summary>
    public const string TaskType = BenchTask.Type;

    /// <inheritdoc/>
    public ValueTask HandleAsync(BenchPayload payload, TaskContext context)
    {
        if (payload.I is { } index)
        {
            var now = Stopwatch.GetTimestamp();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start {index} {now}"));
        }

        return ValueTask.CompletedTask;
    }
}
