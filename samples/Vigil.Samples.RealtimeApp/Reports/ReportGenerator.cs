using System.Globalization;
using Vigil.Handlers;

namespace Vigil.Samples.RealtimeApp.Reports;

/// <summary>
/// The handler of <c>reports.generate</c>: renders a report section by section, reporting progress after each so the
/// page that asked for it shows a live progress bar. Runs in the web process here, or in any <c>vigil worker</c>-style
/// process that registers it: progress reaches the page either way, through the storage's event feed.
/// </summary>
public sealed class ReportGenerator(TimeProvider timeProvider, IConfiguration configuration) : ITaskHandler<ReportRequest, ReportResult>
{
    /// <summary>The task type: a stable name, not a CLR type name.</summary>
    public const string TaskType = "reports.generate";

    /// <inheritdoc />
    public async ValueTask<ReportResult> HandleAsync(ReportRequest payload, TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(context);
        var sectionTime = configuration.GetValue("Reports:SectionTime", TimeSpan.FromMilliseconds(400));

        await context.ReportProgressAsync(0, "Starting").ConfigureAwait(false);
        for (var section = 1; section <= payload.Sections; section++)
        {
            // Honour cancellation (timeout, cancel from the dashboard, worker shutdown): the token is the contract.
            await Task.Delay(sectionTime, timeProvider, context.CancellationToken).ConfigureAwait(false);
            var percent = 100.0 * section / payload.Sections;
            await context.ReportProgressAsync(percent, string.Create(CultureInfo.InvariantCulture, $"Rendered section {section} of {payload.Sections}"))
                .ConfigureAwait(false);
        }

        return new ReportResult(
            payload.Title,
            Pages: payload.Sections * 3,
            Url: $"/reports/{context.TaskId}.pdf",
            GeneratedAt: timeProvider.GetUtcNow(),
            Attempt: context.Attempt);
    }
}
