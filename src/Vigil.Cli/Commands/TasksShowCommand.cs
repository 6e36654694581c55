using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks show ID</c>: one task with its payload, result, error and timeline.</summary>
internal static class TasksShowCommand
{
    public static Command Create()
    {
        var id = TaskIds.CreateArgument();
        var command = new Command("show", "Show one task: payload, result or error, and the timeline of its attempts.") { id, CommonOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var task = await TaskIds.GetExistingAsync(session, parse.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);

            if (parse.GetValue(CommonOptions.Json))
            {
                CliOutput.WriteJson(task);
                return CliExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            void Row(string name, string markup) => grid.AddRow($"[bold]{name}[/]", markup);
            Row("id", task.Id);
            Row("type", CliOutput.Escape(task.Type));
            Row("queue", CliOutput.Escape(task.Queue));
            Row("state", TaskViews.StateMarkup(task.State) + (task.CancelRequested ? " (cancel requested)" : string.Empty));
            Row("attempt", string.Create(CultureInfo.InvariantCulture, $"{task.Attempt} of {task.MaxAttempts}"));
            Row("timeout", task.Timeout is { } timeout ? Durations.Format(timeout) : "worker default");
            Row("created", CliOutput.FormatTime(task.CreatedAt));
            Row("due", CliOutput.FormatTime(task.DueAt));
            Row("finished", CliOutput.FormatTime(task.FinishedAt));
            Row("key", CliOutput.Escape(task.IdempotencyKey));
            Row("lease", task.LeaseOwner is null ? "-" : $"{CliOutput.Escape(task.LeaseOwner)} until {CliOutput.FormatTime(task.LeaseExpiresAt)}");
            Row("payload", CliOutput.Escape(task.Payload));
            Row("result", CliOutput.Escape(task.Result));
            Row("error", task.LastError is { } error ? $"[red]{CliOutput.Escape(error.Type)}[/]: {CliOutput.Escape(error.Message)}" : "-");

            var console = CliOutput.Console;
            console.Write(grid);

            if (task.Timeline.Count > 0)
            {
                var timeline = new Table().Border(TableBorder.Simple).Title("timeline")
                    .AddColumns("#", "WORKER", "STARTED", "ENDED", "TOOK", "OUTCOME", "ERROR");
                foreach (var attempt in task.Timeline)
                {
                    timeline.AddRow(
                        attempt.Number.ToString(CultureInfo.InvariantCulture),
                        CliOutput.Escape(attempt.WorkerId),
                        CliOutput.FormatTime(attempt.StartedAt),
                        CliOutput.FormatTime(attempt.EndedAt),
                        attempt.EndedAt is { } ended ? Durations.Format(ended - attempt.StartedAt) : "-",
                        CliOutput.Escape(attempt.Outcome ?? "running"),
                        attempt.Error is { } e ? CliOutput.Escape($"{e.Type}: {e.Message}") : "-");
                }

                console.Write(timeline);
            }

            return CliExitCodes.Success;
        });
        return command;
    }
}
