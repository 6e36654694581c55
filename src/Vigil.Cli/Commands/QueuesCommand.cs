using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil queues</c>: depth, running, dead and waiting age of every queue.</summary>
internal static class QueuesCommand
{
    // Workers' private queues (probe targets) are plumbing: shown only when asked for.
    private static readonly Option<bool> All = new("--all")
    {
        Description = "Also show the workers' private queues (_worker.*), where worker probes go.",
    };

    public static Command Create()
    {
        var command = new Command("queues", "Show every queue: ready, delayed, running and dead tasks, oldest wait, last success.") { CommonOptions.Json, All };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var queues = await session.Client.GetQueuesAsync(cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(All))
            {
                queues = [.. queues.Where(q => !TaskNames.IsPrivateQueue(q.Name))];
            }

            if (parse.GetValue(CommonOptions.Json))
            {
                CliOutput.WriteJson(queues);
                return CliExitCodes.Success;
            }

            var now = TimeProvider.System.GetUtcNow();
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("QUEUE", "READY", "DELAYED", "RUNNING", "DEAD", "OLDEST WAIT", "LAST SUCCESS");
            foreach (var queue in queues)
            {
                table.AddRow(
                    CliOutput.Escape(queue.Name),
                    queue.Ready.ToString(CultureInfo.InvariantCulture),
                    queue.Delayed.ToString(CultureInfo.InvariantCulture),
                    queue.Running.ToString(CultureInfo.InvariantCulture),
                    queue.Dead > 0 ? $"[red]{queue.Dead.ToString(CultureInfo.InvariantCulture)}[/]" : "0",
                    queue.OldestReadySince is { } since ? Durations.Format(now - since) : "-",
                    CliOutput.FormatTime(queue.LastSucceededAt));
            }

            CliOutput.Console.Write(table);
            if (queues.Count == 0)
            {
                CliOutput.WriteLine($"No queues yet in {session.Spec.Display}.");
            }

            return CliExitCodes.Success;
        });
        return command;
    }
}
