using System.CommandLine;
using Vigil.Cli.Hosting;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks delete ID</c>: removes a task that is not running.</summary>
internal static class TasksDeleteCommand
{
    public static Command Create()
    {
        var id = TaskIds.CreateArgument();
        var command = new Command("delete", "Delete a task that is not running.") { id, CommonOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var task = await TaskIds.GetExistingAsync(session, parse.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            if (!await session.Client.DeleteAsync(task.Id, cancellationToken).ConfigureAwait(false))
            {
                var now = await session.Client.GetTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
                throw new CliFailureException(
                    $"Task {task.Id} is {(now?.State ?? task.State).ToWireName()}: a running task cannot be deleted; cancel it first (vigil tasks cancel {task.Id}).");
            }

            TaskActionOutput.Write(parse, task.Id, "deleted", $"Task {task.Id} is deleted.");
            return CliExitCodes.Success;
        });
        return command;
    }
}
