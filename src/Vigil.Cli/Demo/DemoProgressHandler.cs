using System.Globalization;
using Vigil.Handlers;

namespace Vigil.Cli.Demo;

/// <summary><c>demo.progress {"steps":N,"ms":N}</c>: N steps of ms each, reporting progress after every step.</summary>
internal sealed class DemoProgressHandler(DemoJournal journal, TimeProvider timeProvider) : ITaskHandler<ProgressPayload, DemoResult>
{
    public const string Type = "demo.progress";

    public async ValueTask<DemoResult> HandleAsync(ProgressPayload payload, TaskContext context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payload.Steps, "steps");
        ArgumentOutOfRangeException.ThrowIfNegative(payload.Ms, "ms");
        for (var step = 1; step <= payload.Steps; step++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(payload.Ms), timeProvider, context.CancellationToken).ConfigureAwait(false);
            var percent = 100.0 * step / payload.Steps;
            await context.ReportProgressAsync(percent, string.Create(CultureInfo.InvariantCulture, $"step {step} of {payload.Steps}")).ConfigureAwait(false);
        }

        journal.Record(context);
        return new DemoResult(Steps: payload.Steps);
    }
}
