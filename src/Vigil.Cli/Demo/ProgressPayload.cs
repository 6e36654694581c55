using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The payload of <c>demo.progress</c>: <c>{"steps":5,"ms":200}</c>.</summary>
/// <param name="Steps">How many steps.</param>
/// <param name="Ms">How long each step takes, in milliseconds.</param>
internal sealed record ProgressPayload([property: JsonPropertyName("steps")] int Steps, [property: JsonPropertyName("ms")] int Ms);
