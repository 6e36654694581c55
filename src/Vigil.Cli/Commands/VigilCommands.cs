using System.CommandLine;
using System.CommandLine.Help;

namespace Vigil.Cli.Commands;

/// <summary>
/// The one place where the commands of <c>vigil</c> are registered. To add a command, write it in its own file in this
/// folder (a static class with <c>Create()</c> returning a <see cref="Command"/>, like <see cref="QueuesCommand"/>) and
/// add one line below. Its action throws <see cref="CliUsageException"/> for user errors (exit 2) and
/// <see cref="CliFailureException"/> for runtime failures (exit 1); <c>--storage</c> is available to every command as
/// <see cref="CommonOptions.Storage"/>, and <c>--json</c> as <see cref="CommonOptions.Json"/> where added.
/// </summary>
internal static class VigilCommands
{
    /// <summary>Builds the root command with every subcommand.</summary>
    /// <returns>The root command.</returns>
    public static Command CreateRoot()
    {
        // A plain command named "vigil" rather than RootCommand, whose name would be the assembly's (Vigil.Cli) in help.
        var root = new Command("vigil", "Vigil: background tasks whose workers cannot die silently.")
        {
            new HelpOption(),
            new VersionOption(),
            CommonOptions.Storage,
        };

        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(EnqueueCommand.Create());
        root.Subcommands.Add(TasksCommand.Create());
        root.Subcommands.Add(QueuesCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        return root;
    }
}
