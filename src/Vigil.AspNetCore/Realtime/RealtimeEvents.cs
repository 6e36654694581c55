using System.Text.Json;
using Vigil.Realtime;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Realtime;

/// <summary>The well-known event kinds of the storage feed and how their data is read.</summary>
/// <remarks>
/// Data shapes (JSON): <c>task.progress</c> → <c>{ "percent": 40, "message": "..." }</c>; <c>group.message</c> →
/// <c>{ "method": "chat", "data": ... }</c>. Readers are tolerant: a missing field is null, a differently cased name is
/// accepted, so a newer publisher does not break an older web process.
/// </remarks>
internal static class RealtimeEvents
{
    public const string TaskProgress = "task.progress";
    public const string TaskState = "task.state";
    public const string GroupMessage = "group.message";

    /// <summary>The client method used for a group message whose data names none.</summary>
    public const string DefaultGroupMethod = "groupMessage";

    public static TaskProgressMessage ToProgress(VigilEvent e)
    {
        double? percent = null;
        string? message = null;
        if (TryGetObject(e.Data, out var root))
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.Equals("percent", StringComparison.OrdinalIgnoreCase)
                    || property.Name.Equals("progress", StringComparison.OrdinalIgnoreCase))
                {
                    if (property.Value.ValueKind == JsonValueKind.Number)
                    {
                        percent = property.Value.GetDouble();
                    }
                }
                else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase)
                    && property.Value.ValueKind == JsonValueKind.String)
                {
                    message = property.Value.GetString();
                }
            }
        }

        return new TaskProgressMessage(e.TaskId!, percent, message, e.At);
    }

    public static (string Method, JsonElement? Data) ToGroupMessage(VigilEvent e)
    {
        if (TryGetObject(e.Data, out var root))
        {
            string? method = null;
            JsonElement? data = null;
            var sawData = false;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.Equals("method", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                {
                    method = property.Value.GetString();
                }
                else if (property.Name.Equals("data", StringComparison.OrdinalIgnoreCase))
                {
                    data = property.Value.Clone();
                    sawData = true;
                }
            }

            if (!string.IsNullOrEmpty(method))
            {
                return (method, sawData ? data : null);
            }
        }

        return (DefaultGroupMethod, JsonText.Parse(e.Data));
    }

    public static TaskStateMessage ToStateMessage(TaskRecord task, DateTimeOffset at)
    {
        var failed = task.State is Tasks.TaskState.Retrying or Tasks.TaskState.Dead;
        return new TaskStateMessage(
            task.Id,
            task.State.ToWireName(),
            task.State.IsTerminal(),
            task.Attempt,
            task.State == Tasks.TaskState.Succeeded ? JsonText.Parse(task.Result) : null,
            failed ? task.LastError?.Message : null,
            failed ? task.LastError?.Type : null,
            at);
    }

    private static bool TryGetObject(string? json, out JsonElement root)
    {
        root = default;
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            root = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
