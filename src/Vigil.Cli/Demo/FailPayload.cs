using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The payload of <c>demo.fail</c>: <c>{"message":"boom"}</c>.</summary>
/// <param name="Message">The error message.</param>
internal sealed record FailPayload([property: JsonPropertyName("message")] string? Message);
