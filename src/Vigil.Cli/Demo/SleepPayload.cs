using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The payload of <c>demo.sleep</c>: <c>{"ms":500}</c>.</summary>
/// <param name="Ms">How long to sleep, in milliseconds.</param>
internal sealed record SleepPayload([property: JsonPropertyName("ms")] int Ms);
