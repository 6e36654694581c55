using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The payload of <c>demo.allocate</c>: <c>{"mb":200,"holdMs":5000}</c>.</summary>
/// <param name="Mb">How many mebibytes to allocate.</param>
/// <param name="HoldMs">How long to hold them, in milliseconds.</param>
internal sealed record AllocatePayload([property: JsonPropertyName("mb")] int Mb, [property: JsonPropertyName("holdMs")] int HoldMs);
