using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Spectre.Console;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks list [--queue] [--state] [--type] [--limit] [--offset]</c>: newest first.</summary>
internal static class TasksListCommand
{
    public static Command Create()
    {
        var queue = new Option<string?>("--queue") { Description = "Only tasks of this queue.", HelpName = "name" };
        var state = new Option<TaskState?>("--state")
        {
            Description = "Only tasks in this state: scheduled, queued, running, succeeded, retrying, dead, cancelled.",
            HelpName = "state",
            CustomParser = ParseState,
        };
        var type = new Option<string?>("--type") { Description = "Only tasks of this type.", HelpName = "type" };
        var limit = CommonOptions.CreateInt("--limit", "How many tasks to show (1 to 1000). Default: 50.", 1, 1000);
        var offset = CommonOptions.CreateInt("--offset", "How many matching tasks to skip. Default: 0.", 0, int.MaxValue);

        var command = new Command("list", "List tasks, newest first.") { queue, state, type, limit, offset, CommonOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var queueName = parse.GetValue(queue);
            if (queueName is not null && !TaskNames.TryValidateQueue(queueName, out var queueError))
            {
                throw new CliUsageException(queueError);
            }

            var typeName = parse.GetValue(type);
            if (typeName is not null && !TaskNames.TryValidateType(typeName, out var typeError))
            {
                throw new CliUsageException(typeError);
            }

            var query = new TaskQuery
            {
                Queue = queueName,
                Type = typeName,
                State = parse.GetValue(state),
                Limit = parse.GetValue(limit) ?? 50,
                Offset = parse.GetValue(offset) ?? 0,
            };

            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var page = await session.Client.ListTasksAsync(query, cancellationToken).ConfigureAwait(false);

            if (parse.GetValue(CommonOptions.Json))
            {
                CliOutput.WriteJson(new { total = page.Total, offset = query.Offset, limit = query.Limit, tasks = page.Tasks });
                return CliExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("ID", "TYPE", "QUEUE", "STATE", "ATTEMPT", "CREATED", "DUE / FINISHED");
            foreach (var task in page.Tasks)
            {
                table.AddRow(
                    task.Id,
                    CliOutput.Escape(task.Type),
                    CliOutput.Escape(task.Queue),
                    TaskViews.StateMarkup(task.State),
                    string.Create(CultureInfo.InvariantCulture, $"{task.Attempt}/{task.MaxAttempts}"),
                    CliOutput.FormatTime(task.CreatedAt),
                    CliOutput.FormatTime(task.FinishedAt ?? task.DueAt));
            }

            var console = CliOutput.Console;
            console.Write(table);
            var first = page.Tasks.Count == 0 ? 0 : query.Offset + 1;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{first}-{query.Offset + page.Tasks.Count} of {page.Total} task(s)"));
            return CliExitCodes.Success;
        });
        return command;
    }

    private static TaskState? ParseState(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (TaskStateExtensions.TryParseWireName(text, out var value))
        {
            return value;
        }

        result.AddError($"--state '{text}' is not a task state: use scheduled, queued, running, succeeded, retrying, dead or cancelled.");
        return null;
    }
}
