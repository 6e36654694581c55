using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary>How tasks look in tables.</summary>
internal static class TaskViews
{
    /// <summary>The state's wire name, coloured by outcome.</summary>
    /// <param name="state">The state.</param>
    /// <returns>Spectre markup.</returns>
    public static string StateMarkup(TaskState state) => state switch
    {
        TaskState.Succeeded => "[green]succeeded[/]",
        TaskState.Dead => "[red]dead[/]",
        TaskState.Retrying => "[yellow]retrying[/]",
        TaskState.Running => "[blue]running[/]",
        TaskState.Cancelled => "[grey]cancelled[/]",
        _ => state.ToWireName(),
    };
}
