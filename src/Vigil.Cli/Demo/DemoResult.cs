using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The result of <c>demo.progress</c> and <c>demo.allocate</c>.</summary>
/// <param name="Steps">Steps done.</param>
/// <param name="Mb">Mebibytes allocated.</param>
internal sealed record DemoResult(
    [property: JsonPropertyName("steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Steps = null,
    [property: JsonPropertyName("mb"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Mb = null);
