using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Vigil.Cli.Output;

/// <summary>Where commands write: tables for people (Spectre.Console), JSON for scripts, one-line errors on stderr.</summary>
internal static class CliOutput
{
    private static readonly Lazy<IAnsiConsole> StandardOutput = new(CreateConsole);

    /// <summary>The JSON shape of every <c>--json</c> output: camelCase, states and enums as lower-case names, indented.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The console for tables on stdout. Wide when redirected, so ids and times are not wrapped.</summary>
    public static IAnsiConsole Console => StandardOutput.Value;

    /// <summary>Writes a value as JSON on stdout.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    public static void WriteJson<T>(T value)
    {
        System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
    }

    /// <summary>Writes one line of text on stdout, without markup.</summary>
    /// <param name="text">The text.</param>
    public static void WriteLine(string text) => System.Console.Out.WriteLine(text);

    /// <summary>Writes an error line on stderr: <c>vigil: message</c>.</summary>
    /// <param name="message">The message.</param>
    public static void WriteError(string message) => System.Console.Error.WriteLine("vigil: " + message);

    /// <summary>Formats a time for tables: local-free ISO 8601 in UTC, to the second.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The text, or a dash.</returns>
    public static string FormatTime(DateTimeOffset? value) =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>Escapes text for Spectre markup.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The escaped text, or a dash for none.</returns>
    public static string Escape(string? text) => string.IsNullOrEmpty(text) ? "-" : Markup.Escape(text);

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }
}
