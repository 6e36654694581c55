using System.Diagnostics.CodeAnalysis;

namespace Vigil.Tasks;

/// <summary>Validation of task type and queue names, shared by every boundary (API, CLI, HTTP).</summary>
public static class TaskNames
{
    /// <summary>The longest task type or queue name accepted: 100 characters.</summary>
    public const int MaxLength = 100;

    /// <summary>The default queue: <c>default</c>.</summary>
    public const string DefaultQueue = "default";

    /// <summary>
    /// The task type of sentinel probes: <c>vigil.probe</c>. Every worker serves it with a built-in handler that does
    /// nothing and returns at once, so a probe proves a queue (or a worker's private queue) is served end to end.
    /// </summary>
    public const string ProbeTaskType = "vigil.probe";

    /// <summary>The prefix of a worker's private queue (used by worker probes).</summary>
    public const string PrivateQueuePrefix = "_worker.";

    /// <summary>The private queue of a worker: only that worker consumes it.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <returns>The queue name.</returns>
    public static string PrivateQueueFor(string workerId) => PrivateQueuePrefix + workerId;

    /// <summary>Whether <paramref name="queue"/> is a worker's private queue.</summary>
    /// <param name="queue">The queue name.</param>
    /// <returns><see langword="true"/> for a private queue.</returns>
    public static bool IsPrivateQueue(string queue) => queue.StartsWith(PrivateQueuePrefix, StringComparison.Ordinal);

    /// <summary>Checks a queue name.</summary>
    /// <param name="queue">The name.</param>
    /// <param name="error">A message naming the value and the fix, when invalid.</param>
    /// <returns>Whether the name is valid.</returns>
    public static bool TryValidateQueue(string? queue, [NotNullWhen(false)] out string? error) =>
        TryValidate("Queue name", queue, out error);

    /// <summary>Checks a task type name.</summary>
    /// <param name="type">The name.</param>
    /// <param name="error">A message naming the value and the fix, when invalid.</param>
    /// <returns>Whether the name is valid.</returns>
    public static bool TryValidateType(string? type, [NotNullWhen(false)] out string? error) =>
        TryValidate("Task type", type, out error);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="queue"/> is a valid queue name.</summary>
    /// <param name="queue">The name.</param>
    /// <param name="paramName">The argument name for the exception.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or has other characters.</exception>
    public static void ThrowIfInvalidQueue(string? queue, string paramName = "queue")
    {
        if (!TryValidateQueue(queue, out var error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="type"/> is a valid task type name.</summary>
    /// <param name="type">The name.</param>
    /// <param name="paramName">The argument name for the exception.</param>
    /// <exception cref="ArgumentException">The name is empty, too long or has other characters.</exception>
    public static void ThrowIfInvalidType(string? type, string paramName = "type")
    {
        if (!TryValidateType(type, out var error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    private static bool TryValidate(string what, string? value, [NotNullWhen(false)] out string? error)
    {
        const string Rule = "use letters, digits, '-', '_' or '.', at most 100 characters";
        if (string.IsNullOrEmpty(value))
        {
            error = $"{what} is empty: {Rule}.";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"{what} '{value[..20]}...' is {value.Length} characters long: {Rule}.";
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                error = $"{what} '{value}' is invalid: {Rule}.";
                return false;
            }
        }

        error = null;
        return true;
    }
}
