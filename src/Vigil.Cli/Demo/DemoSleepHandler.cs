using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary><c>demo.sleep {"ms":N}</c>: waits N milliseconds, honouring cancellation (timeout, cancel, shutdown).</summary>
internal sealed class DemoSleepHandler(DemoJournal journal, TimeProvider timeProvider) : ITaskHandler<SleepPayload>
{
    public const string Type = "demo.sleep";

    public async ValueTask HandleAsync(SleepPayload payload, TaskContext context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payload.Ms, "ms");
        await Task.Delay(TimeSpan.FromMilliseconds(payload.Ms), timeProvider, context.CancellationToken).ConfigureAwait(false);
        journal.Record(context);
    }
}
