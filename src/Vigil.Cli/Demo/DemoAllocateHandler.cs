using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary>
/// <c>demo.allocate {"mb":N,"holdMs":N}</c>: allocates N MiB (touched, so it is really resident), holds it for holdMs,
/// honouring cancellation, then lets it go. For memory-ceiling tests of worker recycling.
/// </summary>
internal sealed class DemoAllocateHandler(DemoJournal journal, TimeProvider timeProvider) : ITaskHandler<AllocatePayload, DemoResult>
{
    public const string Type = "demo.allocate";

    /// <summary>The largest allocation accepted: 64 GiB, to catch typos rather than to bound memory.</summary>
    private const int MaxMb = 65536;

    public async ValueTask<DemoResult> HandleAsync(AllocatePayload payload, TaskContext context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payload.Mb, "mb");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Mb, MaxMb, "mb");
        ArgumentOutOfRangeException.ThrowIfNegative(payload.HoldMs, "holdMs");

        var blocks = new byte[payload.Mb][];
        for (var i = 0; i < blocks.Length; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            blocks[i] = new byte[1024 * 1024];

            // Write every page so the memory is committed and counted in the working set, not only reserved.
            for (var offset = 0; offset < blocks[i].Length; offset += 4096)
            {
                blocks[i][offset] = 1;
            }
        }

        await Task.Delay(TimeSpan.FromMilliseconds(payload.HoldMs), timeProvider, context.CancellationToken).ConfigureAwait(false);
        GC.KeepAlive(blocks);
        journal.Record(context);
        return new DemoResult(Mb: payload.Mb);
    }
}
