using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>Reads query-string parameters with messages that name the parameter, the value and the rule.</summary>
internal static class DashboardQuery
{
    public static bool TryGetInt(
        IQueryCollection query, string name, int defaultValue, int min, int max, out int value, [NotNullWhen(false)] out string? error)
    {
        var text = query[name].ToString();
        error = null;
        if (text.Length == 0)
        {
            value = defaultValue;
            return true;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"Query parameter '{name}' is '{Shorten(text)}': use a whole number from {min} to {max}.";
            return false;
        }

        return true;
    }

    public static bool TryGetTaskQuery(IQueryCollection query, [NotNullWhen(true)] out TaskQuery? taskQuery, [NotNullWhen(false)] out string? error)
    {
        taskQuery = null;
        TaskState? state = null;
        var stateText = query["state"].ToString();
        if (stateText.Length > 0 && !stateText.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (!TaskStateExtensions.TryParseWireName(stateText, out var parsed))
            {
                error = $"Query parameter 'state' is '{Shorten(stateText)}': use one of {string.Join(", ", Enum.GetValues<TaskState>().Select(static s => s.ToWireName()))}, or leave it out for all.";
                return false;
            }

            state = parsed;
        }

        if (!TryGetName(query, "queue", TaskNames.TryValidateQueue, out var queue, out error)
            || !TryGetName(query, "type", TaskNames.TryValidateType, out var type, out error)
            || !TryGetInt(query, "offset", 0, 0, int.MaxValue, out var offset, out error)
            || !TryGetInt(query, "limit", 50, 1, 1000, out var limit, out error))
        {
            return false;
        }

        taskQuery = new TaskQuery { State = state, Queue = queue, Type = type, Offset = offset, Limit = limit };
        return true;
    }

    public static bool TryGetBool(IQueryCollection query, string name, out bool value, [NotNullWhen(false)] out string? error)
    {
        var text = query[name].ToString();
        error = null;
        value = false;
        switch (text.ToLowerInvariant())
        {
            case "" or "0" or "false":
                return true;
            case "1" or "true":
                value = true;
                return true;
            default:
                error = $"Query parameter '{name}' is '{Shorten(text)}': use true or false (1 or 0).";
                return false;
        }
    }

    public delegate bool NameValidator(string? value, [NotNullWhen(false)] out string? error);

    public static bool TryGetName(
        IQueryCollection query, string name, NameValidator validate, out string? value, [NotNullWhen(false)] out string? error)
    {
        var text = query[name].ToString();
        value = text.Length == 0 ? null : text;
        error = null;
        if (value is not null && !validate(value, out var problem))
        {
            error = $"Query parameter '{name}': {problem}";
            return false;
        }

        return true;
    }

    public static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
