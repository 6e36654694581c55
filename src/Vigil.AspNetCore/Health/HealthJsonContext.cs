using System.Text.Json.Serialization;

namespace Vigil.AspNetCore.Health;

/// <summary>Source-generated JSON metadata for the values health checks put in their data.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
