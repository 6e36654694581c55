using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Probes;

/// <summary>Source-generated JSON of the probe handler's payload: read as a <see cref="JsonElement"/> and ignored.</summary>
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
