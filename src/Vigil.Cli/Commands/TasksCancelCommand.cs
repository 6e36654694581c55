using System.CommandLine;
using Vigil.Cli.Hosting;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks cancel ID</c>: cancels a waiting task at once, or asks a running one's worker to stop it.</summary>
internal static class TasksCancelCommand
{
    public static Command Create()
    {
        var id = TaskIds.CreateArgument();
        var command = new Command("cancel", "Cancel a task (a running task is stopped by its worker at its next lease renewal).") { id, CommonOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var task = await TaskIds.GetExistingAsync(session, parse.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            if (!await session.Client.CancelAsync(task.Id, cancellationToken).ConfigureAwait(false))
            {
                var now = await session.Client.GetTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
                throw new CliFailureException(
                    $"Task {task.Id} is already {(now?.State ?? task.State).ToWireName()}: a finished task cannot be cancelled.");
            }

            var after = await session.Client.GetTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
            var requested = after is { State: TaskState.Running };
            TaskActionOutput.Write(
                parse,
                task.Id,
                requested ? "cancel-requested" : "cancelled",
                requested
                    ? $"Task {task.Id} is running: cancellation requested, its worker stops it at its next lease renewal."
                    : $"Task {task.Id} is cancelled.");
            return CliExitCodes.Success;
        });
        return command;
    }
}
