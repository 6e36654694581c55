using System.CommandLine;
using Vigil.Cli.Hosting;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary>The task-id argument and its lookup, shared by the commands that act on one task.</summary>
internal static class TaskIds
{
    public static Argument<string> CreateArgument() => new("id") { Description = "The task id (32 hex digits, as printed by enqueue and tasks list)." };

    /// <summary>Reads a task, or fails with a usage error naming the id and the storage.</summary>
    /// <param name="session">The session.</param>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task.</returns>
    public static async Task<TaskRecord> GetExistingAsync(VigilSession session, string id, CancellationToken cancellationToken)
    {
        var task = string.IsNullOrWhiteSpace(id) || id.Length > 200
            ? null
            : await session.Client.GetTaskAsync(id.Trim(), cancellationToken).ConfigureAwait(false);
        return task ?? throw new CliUsageException(
            $"Task '{id}' was not found in {session.Spec.Display}: check the id with 'vigil tasks list' (finished tasks are removed after their retention).");
    }
}
