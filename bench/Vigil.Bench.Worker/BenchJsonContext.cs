using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Bench.Worker;

/// <summary>
/// Source-generated JSON metadata of the benchmark's payload, with Vigil's payload defaults (web: camelCase,
/// case-insensitive): what a Native AOT worker passes to <c>AddHandler</c> instead of reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchPayload))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
