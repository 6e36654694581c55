using System.CommandLine;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks retry ID</c>: queues a dead or cancelled task again with a fresh budget of attempts.</summary>
internal static class TasksRetryCommand
{
    public static Command Create()
    {
        var id = TaskIds.CreateArgument();
        var command = new Command("retry", "Queue a dead or cancelled task again.") { id, CommonOptions.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var task = await TaskIds.GetExistingAsync(session, parse.GetRequiredValue(id), cancellationToken).ConfigureAwait(false);
            if (!await session.Client.RetryAsync(task.Id, cancellationToken).ConfigureAwait(false))
            {
                var now = await session.Client.GetTaskAsync(task.Id, cancellationToken).ConfigureAwait(false);
                throw new CliFailureException(
                    $"Task {task.Id} is {(now?.State ?? task.State).ToWireName()}: only dead or cancelled tasks can be retried.");
            }

            TaskActionOutput.Write(parse, task.Id, "retried", $"Task {task.Id} is queued again.");
            return CliExitCodes.Success;
        });
        return command;
    }
}
