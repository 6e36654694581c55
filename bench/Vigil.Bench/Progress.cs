using System.Diagnostics;
using Spectre.Console;

namespace Vigil.Bench;

/// <summary>One line per step, with the time since the run started, so a person (or a CI log) sees where the run is.</summary>
internal static class Progress
{
    private static readonly long Start = Stopwatch.GetTimestamp();

    /// <summary>Prints a step.</summary>
    /// <param name="text">The step, plain text.</param>
    public static void Step(string text) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{Elapsed()}[/] {text}");

    /// <summary>Prints a step's result.</summary>
    /// <param name="text">The result, plain text.</param>
    public static void Result(string text) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{Elapsed()}[/]   [green]{text}[/]");

    /// <summary>Prints a failure; the run goes on.</summary>
    /// <param name="text">What failed and why, plain text.</param>
    public static void Failure(string text) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{Elapsed()}[/]   [red]{text}[/]");

    private static string Elapsed()
    {
        var elapsed = Stopwatch.GetElapsedTime(Start);
        return $"{(int)elapsed.TotalMinutes:00}:{elapsed.Seconds:00}";
    }
}
