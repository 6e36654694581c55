using System.CommandLine;
using System.CommandLine.Parsing;
using Vigil.Cli.Storage;

namespace Vigil.Cli.Commands;

/// <summary>Options shared by several commands. <c>--storage</c> is recursive: every command accepts it.</summary>
internal static class CommonOptions
{
    /// <summary>The storage, parsed once into a <see cref="StorageSpec"/>; default <c>VIGIL_STORAGE</c>, else SQLite at the default path.</summary>
    public static readonly Option<StorageSpec> Storage = new("--storage")
    {
        Description = "Where tasks live: sqlite:PATH, redis://HOST:PORT or redis:CONFIGURATION. " +
                      "Default: $VIGIL_STORAGE, else sqlite:$VIGIL_HOME/vigil.db, else sqlite:${XDG_DATA_HOME:-~/.local/share}/vigil/vigil.db.",
        HelpName = "spec",
        Recursive = true,
        CustomParser = ParseStorage,
        DefaultValueFactory = DefaultStorage,
    };

    /// <summary>Writes JSON for scripts instead of tables for people.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON (for scripts) instead of tables.",
    };

    /// <summary>Creates a <c>--queues</c> option: comma-separated and/or repeated, each name validated.</summary>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<string[]> CreateQueues(string description) => new("--queues", "-q")
    {
        Description = description,
        HelpName = "a,b",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseQueues,
    };

    /// <summary>Creates a <c>--concurrency</c> option (1 to 1000).</summary>
    /// <returns>The option.</returns>
    public static Option<int?> CreateConcurrency() =>
        CreateInt("--concurrency", "Concurrent task slots of the worker (1 to 1000). Default: processors x 4, at least 4.", 1, 1000, "-c");

    /// <summary>Creates an optional whole-number option with a range, whose errors name the option, value and range.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <param name="minimum">The smallest accepted value.</param>
    /// <param name="maximum">The largest accepted value.</param>
    /// <param name="alias">A short alias, if any.</param>
    /// <returns>The option.</returns>
    public static Option<int?> CreateInt(string name, string description, int minimum, int maximum, string? alias = null)
    {
        var option = new Option<int?>(name)
        {
            Description = description,
            HelpName = "n",
            CustomParser = result => ParseInt(result, name, minimum, maximum),
        };
        if (alias is not null)
        {
            option.Aliases.Add(alias);
        }

        return option;
    }

    /// <summary>Creates an optional duration option such as <c>--lease 30s</c>.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">The help text.</param>
    /// <param name="minimum">The smallest accepted value.</param>
    /// <returns>The option.</returns>
    public static Option<TimeSpan?> CreateDuration(string name, string description, TimeSpan minimum) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result => ParseDuration(result, name, minimum),
    };

    private static StorageSpec? ParseStorage(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (StorageSpec.TryParse(text, out var spec, out var error))
        {
            return spec;
        }

        result.AddError(error);
        return null;
    }

    private static StorageSpec DefaultStorage(ArgumentResult result)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(StorageSpec.EnvironmentVariable);
        if (StorageSpec.TryParse(fromEnvironment, out var spec, out var error))
        {
            return spec;
        }

        result.AddError($"{StorageSpec.EnvironmentVariable}: {error}");
        return StorageSpec.Default();
    }

    private static string[] ParseQueues(ArgumentResult result)
    {
        var queues = new List<string>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Tasks.TaskNames.TryValidateQueue(part, out var error))
                {
                    result.AddError($"--queues: {error}");
                    return [];
                }

                if (!queues.Contains(part, StringComparer.Ordinal))
                {
                    queues.Add(part);
                }
            }
        }

        return [.. queues];
    }

    private static TimeSpan? ParseDuration(ArgumentResult result, string name, TimeSpan minimum)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (!Durations.TryParse(name, text, out var value, out var error))
        {
            result.AddError(error);
            return null;
        }

        if (value < minimum)
        {
            result.AddError($"{name} '{text}' is too short: use at least {Durations.Format(minimum)}.");
            return null;
        }

        return value;
    }

    private static int? ParseInt(ArgumentResult result, string name, int minimum, int maximum)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < minimum || value > maximum)
        {
            result.AddError($"{name} '{text}' is out of range: use a whole number from {minimum} to {maximum}.");
            return null;
        }

        return value;
    }
}
