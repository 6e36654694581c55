using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Client;

namespace Vigil.Serialization;

/// <summary>The JSON defaults of payloads and results, and the check that a payload is one well-formed JSON value.</summary>
internal static class VigilJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reads): what the client writes and handlers read unless told otherwise.</summary>
    public static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Throws unless <paramref name="json"/> is within <paramref name="maxBytes"/> and is exactly one JSON value.</summary>
    /// <exception cref="PayloadTooLargeException">Over the limit.</exception>
    /// <exception cref="ArgumentException">Not one well-formed JSON value; the message gives the position.</exception>
    public static void ValidatePayload(string type, string json, int maxBytes, string paramName)
    {
        // Count before parsing: an oversized payload is refused without reading it.
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > maxBytes)
        {
            throw new PayloadTooLargeException(type, size, maxBytes);
        }

        if (!IsWellFormed(json, out var error))
        {
            throw new ArgumentException(
                $"Payload of task type '{type}' is not one well-formed JSON value: {error} Pass JSON text such as {{\"id\":42}}, \"text\" or 42.",
                paramName);
        }
    }

    /// <summary>Whether <paramref name="json"/> is exactly one well-formed JSON value, with the reader's message and position when not.</summary>
    public static bool IsWellFormed(string json, out string? error)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            error = "it is empty.";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            // Skip reads the whole first value; a second Read must then find nothing (trailing data is an error).
            if (!reader.Read())
            {
                error = "it is empty.";
                return false;
            }

            reader.Skip();
            if (reader.Read())
            {
                error = $"there is more than one value (a second one starts at byte {reader.TokenStartIndex}).";
                return false;
            }

            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"{ex.Message} (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})";
            return false;
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        // Payload types without source-generated metadata are read by reflection, as System.Text.Json does by default. A
        // Native AOT application turns reflection off (the trimmer then removes that branch) and passes JsonTypeInfo; a
        // type it forgot fails with System.Text.Json's NotSupportedException naming the type.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault ? CreateReflectionResolver() : JsonTypeInfoResolver.Combine(),
        };
        options.MakeReadOnly();
        return options;
    }

    // Called only when the System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault feature switch is on; a trimmed or
    // Native AOT application turns it off, and the trimmer removes the call.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded by the JsonSerializer.IsReflectionEnabledByDefault feature switch.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by the JsonSerializer.IsReflectionEnabledByDefault feature switch.")]
    private static DefaultJsonTypeInfoResolver CreateReflectionResolver() => new();
}
