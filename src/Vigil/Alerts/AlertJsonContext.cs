using System.Text.Json.Serialization;

namespace Vigil.Alerts;

/// <summary>
/// Source-generated JSON of an alert, for the event feed (<c>alert</c> events) and the webhook alike: the property names
/// come from <see cref="VigilAlert"/>'s own <c>[JsonPropertyName]</c> attributes (<c>kind</c>, <c>component</c>, ...).
/// </summary>
[JsonSerializable(typeof(VigilAlert))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
