using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil enqueue TYPE [JSON]</c>: stores a task (or <c>--count</c> copies in batches) and prints its id.</summary>
internal static class EnqueueCommand
{
    private const int BatchSize = 1000;

    public static Command Create()
    {
        var type = new Argument<string>("type") { Description = "The task type, such as demo.sleep." };
        var payload = new Argument<string>("json")
        {
            Description = "The payload as JSON text; '-' reads it from stdin. Default: {}.",
            DefaultValueFactory = _ => "{}",
        };
        var queue = new Option<string?>("--queue") { Description = "The queue. Default: default.", HelpName = "name" };
        var delay = CommonOptions.CreateDuration("--delay", "Run no sooner than this long from now (10s, 5m, 1h).", TimeSpan.Zero);
        var at = new Option<DateTimeOffset?>("--at")
        {
            Description = "Run no sooner than this time (ISO 8601, UTC unless it has an offset).",
            HelpName = "time",
            CustomParser = ParseTime,
        };
        var key = new Option<string?>("--key") { Description = "Idempotency key: while a task with this key is unfinished, its id is returned instead.", HelpName = "key" };
        var maxAttempts = CommonOptions.CreateInt("--max-attempts", "Attempts allowed (1 to 1000). Default: 5.", 1, 1000);
        var timeout = CommonOptions.CreateDuration("--timeout", "How long one attempt may run. Default: 10m.", TimeSpan.FromMilliseconds(1));
        var count = CommonOptions.CreateInt("--count", "Enqueue this many copies, in batches of 1000 (1 to 1000000). Default: 1.", 1, 1_000_000);

        var command = new Command("enqueue", "Enqueue a task and print its id.")
        {
            type, payload, queue, delay, at, key, maxAttempts, timeout, count, CommonOptions.Json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(delay) is { Tokens.Count: > 0 } && result.GetResult(at) is { Tokens.Count: > 0 })
            {
                result.AddError("--delay and --at cannot be used together: give one.");
            }

            if (result.GetResult(key) is { Tokens.Count: > 0 } && result.GetResult(count) is { Tokens.Count: > 0 })
            {
                result.AddError("--key and --count cannot be used together: copies with one idempotency key would be one task.");
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var taskType = parse.GetRequiredValue(type);
            if (!TaskNames.TryValidateType(taskType, out var typeError))
            {
                throw new CliUsageException(typeError);
            }

            var queueName = parse.GetValue(queue);
            if (queueName is not null && !TaskNames.TryValidateQueue(queueName, out var queueError))
            {
                throw new CliUsageException(queueError);
            }

            var json = parse.GetRequiredValue(payload);
            if (json == "-")
            {
                json = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            CheckJson(json);

            var options = new EnqueueOptions
            {
                Queue = queueName,
                Delay = parse.GetValue(delay),
                ScheduledAt = parse.GetValue(at),
                IdempotencyKey = parse.GetValue(key),
                MaxAttempts = parse.GetValue(maxAttempts),
                Timeout = parse.GetValue(timeout),
            };
            var copies = parse.GetValue(count) ?? 1;

            var session = await VigilSession.OpenAsync(parse.GetRequiredValue(CommonOptions.Storage), cancellationToken).ConfigureAwait(false);
            await using var sessionDisposal = session.ConfigureAwait(false);
            var ids = new List<string>(copies);
            try
            {
                if (copies == 1)
                {
                    ids.Add(await session.Client.EnqueueJsonAsync(taskType, json, options, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    // Each batch is one storage round trip and is stored whole or not at all.
                    for (var done = 0; done < copies; done += BatchSize)
                    {
                        var batch = Enumerable.Range(0, Math.Min(BatchSize, copies - done))
                            .Select(_ => new TaskRequest(taskType, json, options))
                            .ToList();
                        ids.AddRange(await session.Client.EnqueueBatchAsync(batch, cancellationToken).ConfigureAwait(false));
                    }
                }
            }
            catch (ArgumentException ex)
            {
                // The client's validation (payload size, options): the message names the value and the limit.
                throw new CliUsageException(StripParameterSuffix(ex));
            }

            if (parse.GetValue(CommonOptions.Json))
            {
                if (copies == 1)
                {
                    CliOutput.WriteJson(new { id = ids[0] });
                }
                else
                {
                    CliOutput.WriteJson(new { count = ids.Count, ids });
                }
            }
            else
            {
                foreach (var id in ids)
                {
                    CliOutput.WriteLine(id);
                }

                if (copies > 1)
                {
                    Console.Error.WriteLine($"Enqueued {ids.Count} tasks of type '{taskType}'.");
                }
            }

            return CliExitCodes.Success;
        });
        return command;
    }

    /// <summary>Checks that the payload is one well-formed JSON value, with the position of the first error.</summary>
    /// <param name="json">The payload text.</param>
    internal static void CheckJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line && ex.BytePositionInLine is { } position
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, position {position + 1}")
                : string.Empty;
            var shown = json.Length > 60 ? json[..60] + "..." : json;
            throw new CliUsageException($"Payload '{shown}' is not valid JSON{where}: give one JSON value, such as '{{\"ms\":500}}' (quote it for the shell).");
        }
    }

    /// <summary>The message of an <see cref="ArgumentException"/> without the "(Parameter 'x')" suffix.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The message.</returns>
    internal static string StripParameterSuffix(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = exception.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }

    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        result.AddError($"--at '{text}' is not a time: use ISO 8601, such as 2026-01-31T18:00:00Z.");
        return null;
    }
}
