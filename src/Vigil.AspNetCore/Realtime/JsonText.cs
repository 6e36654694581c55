using System.Text.Json;

namespace Vigil.AspNetCore.Realtime;

/// <summary>Turns stored JSON text (payloads, results, event data) into elements that serialize as JSON, not as strings.</summary>
internal static class JsonText
{
    /// <summary>Parses <paramref name="json"/>; text that is not JSON (it should not happen) comes back as a JSON string.</summary>
    public static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Stored text is validated JSON; if an engine ever hands back something else, show it rather than fail the page.
            return JsonSerializer.SerializeToElement(json);
        }
    }
}
