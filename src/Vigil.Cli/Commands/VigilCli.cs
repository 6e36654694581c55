using System.CommandLine;
using Vigil.Cli.Output;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>Parses the command line, runs the command and maps every outcome to an exit code and at most one error line.</summary>
internal static class VigilCli
{
    /// <summary>Set to 1 to print stack traces of unexpected errors.</summary>
    public const string DebugEnvironmentVariable = "VIGIL_DEBUG";

    /// <summary>Runs <c>vigil</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (see <see cref="CliExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = VigilCommands.CreateRoot();
        var parse = root.Parse(args);

        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                CliOutput.WriteError(error.Message);
            }

            var command = parse.CommandResult.Command;
            var path = command == root ? "vigil" : "vigil " + string.Join(' ', command.Parents.OfType<Command>().Where(c => c != root).Select(c => c.Name).Append(command.Name));
            Console.Error.WriteLine($"Run '{path} --help' for usage.");
            return CliExitCodes.Usage;
        }

        if (parse.CommandResult.Command == root && parse.Action is null)
        {
            Console.Error.WriteLine("vigil: no command given. Run 'vigil --help' for the commands.");
            return CliExitCodes.Usage;
        }

        try
        {
            // The long-running commands hand SIGTERM/Ctrl+C to the generic host, which drains the worker gracefully;
            // System.CommandLine's own handling would cancel the action's token and force an exit after a timeout.
            var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (CliUsageException ex)
        {
            CliOutput.WriteError(ex.Message);
            return CliExitCodes.Usage;
        }
        catch (CliFailureException ex)
        {
            CliOutput.WriteError(ex.Message);
            WriteDebug(ex);
            return CliExitCodes.Failure;
        }
        catch (StorageUnavailableException ex)
        {
            CliOutput.WriteError($"storage unavailable: {ex.Message}");
            WriteDebug(ex);
            return CliExitCodes.Failure;
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException)
        {
            CliOutput.WriteError($"invalid configuration: {ex.Message}");
            return CliExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            CliOutput.WriteError("cancelled.");
            return CliExitCodes.Failure;
        }
#pragma warning disable CA1031 // The last resort of a command-line tool: one line instead of a stack trace, exit 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CliOutput.WriteError($"unexpected error: {ex.GetType().Name}: {ex.Message} (set {DebugEnvironmentVariable}=1 for details)");
            WriteDebug(ex);
            return CliExitCodes.Failure;
        }
    }

    private static void WriteDebug(Exception exception)
    {
        if (Environment.GetEnvironmentVariable(DebugEnvironmentVariable) == "1")
        {
            Console.Error.WriteLine(exception);
        }
    }
}
