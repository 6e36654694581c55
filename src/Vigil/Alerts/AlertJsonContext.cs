using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Alerts;

/// <summary>
/// Source-generated JSON of an alert as the event feed carries it (<c>alert</c> events): property names as declared
/// (<c>Kind</c>, <c>Component</c>, ...), what the dashboard and <c>vigil</c> read.
/// </summary>
[JsonSerializable(typeof(VigilAlert))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;

/// <summary>Source-generated JSON of an alert as a webhook receives it: web defaults (camelCase), like other JSON APIs.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(VigilAlert))]
internal sealed partial class AlertWebhookJsonContext : JsonSerializerContext;
