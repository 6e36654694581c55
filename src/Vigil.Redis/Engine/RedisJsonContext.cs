using System.Text.Json.Serialization;
using Vigil.Workers;

namespace Vigil.Redis.Engine;

/// <summary>Source-generated JSON for the records the engine stores whole (worker heartbeats).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkerHeartbeat))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
