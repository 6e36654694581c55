using System.Globalization;
using System.Text.Json;

namespace Vigil.Probes;

/// <summary>
/// The payload of a probe task (type <see cref="TaskType"/>). It carries its own deadline so that any process can judge a
/// probe from the storage alone, whichever process sent it and whatever that process's options were.
/// </summary>
internal static class ProbePayload
{
    /// <summary>The task type of probes, consumed by the worker's built-in probe handler.</summary>
    public const string TaskType = Tasks.TaskNames.ProbeTaskType;

    public static string Create(string target, TimeSpan deadline, string sentinel) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"target\":\"{JsonEncodedText.Encode(target)}\",\"deadlineMs\":{(long)deadline.TotalMilliseconds},\"sentinel\":\"{JsonEncodedText.Encode(sentinel)}\"}}");

    /// <summary>Reads the deadline of a probe payload, or <paramref name="fallback"/> when it has none.</summary>
    public static TimeSpan ReadDeadline(string payload, TimeSpan fallback)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("deadlineMs", out var value)
                && value.TryGetInt64(out var milliseconds)
                && milliseconds > 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }
        catch (JsonException)
        {
            // A probe enqueued by hand with another payload: judge it by the local deadline.
        }

        return fallback;
    }
}
