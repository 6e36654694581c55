using System.Diagnostics.CodeAnalysis;

namespace Vigil.AspNetCore.Realtime;

/// <summary>Checks task ids at the HTTP and hub boundary, so bad input gets a precise message instead of a storage miss.</summary>
internal static class TaskIds
{
    public static bool TryValidate(string? taskId, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(taskId))
        {
            error = "Task id is empty: pass the 32 lower-case hex digits returned by the enqueue.";
            return false;
        }

        if (taskId.Length != 32 || !taskId.All(static c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            var shown = taskId.Length > 40 ? taskId[..40] + "..." : taskId;
            error = $"Task id '{shown}' is invalid: a task id is 32 lower-case hex digits, as returned by the enqueue.";
            return false;
        }

        error = null;
        return true;
    }
}
