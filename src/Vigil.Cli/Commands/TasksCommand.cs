using System.CommandLine;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tasks list|show|retry|cancel|delete</c>.</summary>
internal static class TasksCommand
{
    public static Command Create() => new("tasks", "List, inspect, retry, cancel or delete tasks.")
    {
        TasksListCommand.Create(),
        TasksShowCommand.Create(),
        TasksRetryCommand.Create(),
        TasksCancelCommand.Create(),
        TasksDeleteCommand.Create(),
    };
}
