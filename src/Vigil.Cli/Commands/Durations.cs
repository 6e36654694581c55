using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vigil.Cli.Commands;

/// <summary>Parses durations written the way people type them: <c>250ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, or <c>00:05:00</c>.</summary>
internal static class Durations
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string Forms = "use a number with a unit (250ms, 10s, 5m, 1h30m, 2d) or hh:mm:ss";

    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration, when valid.</param>
    /// <returns>Whether the text is a valid, non-negative duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var unit = text[unitStart..i].ToLowerInvariant();
            double? milliseconds = unit switch
            {
                "ms" => number,
                "s" or "sec" => number * 1000,
                "m" or "min" => number * 60_000,
                "h" => number * 3_600_000,
                "d" => number * 86_400_000,
                _ => null,
            };
            if (milliseconds is null || milliseconds > TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                return false;
            }

            total += TimeSpan.FromMilliseconds(milliseconds.Value);
        }

        value = total;
        return true;
    }

    /// <summary>Parses a duration or reports the problem.</summary>
    /// <param name="optionName">The option, for the message.</param>
    /// <param name="text">The text.</param>
    /// <param name="value">The duration, when valid.</param>
    /// <param name="error">The message, when invalid.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse(string optionName, string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        if (TryParse(text, out value))
        {
            error = null;
            return true;
        }

        error = $"{optionName} '{text}' is not a duration: {Forms}.";
        return false;
    }

    /// <summary>Formats a duration compactly for tables: <c>850ms</c>, <c>12.3s</c>, <c>4m05s</c>, <c>2h10m</c>.</summary>
    /// <param name="value">The duration.</param>
    /// <returns>The text.</returns>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + Format(-value);
        }

        return value.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.#}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalMinutes}m{value.Seconds:00}s"),
            < 86400 => string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours}h{value.Minutes:00}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalDays}d{value.Hours:00}h"),
        };
    }
}
