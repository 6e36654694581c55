using System.Text.Json.Serialization;
using Vigil.Workers;

namespace Vigil.Sqlite.Engine;

/// <summary>Source-generated JSON for the records the engine stores whole (worker heartbeats).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WorkerHeartbeat))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
