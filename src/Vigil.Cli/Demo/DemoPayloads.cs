using System.Text.Json.Serialization;

namespace Vigil.Cli.Demo;

/// <summary>The payload of <c>demo.sleep</c>: <c>{"ms":500}</c>.</summary>
/// <param name="Ms">How long to sleep, in milliseconds.</param>
internal sealed record SleepPayload([property: JsonPropertyName("ms")] int Ms);

/// <summary>The payload of <c>demo.fail</c>: <c>{"message":"boom"}</c>.</summary>
/// <param name="Message">The error message.</param>
internal sealed record FailPayload([property: JsonPropertyName("message")] string? Message);

/// <summary>The payload of <c>demo.progress</c>: <c>{"steps":5,"ms":200}</c>.</summary>
/// <param name="Steps">How many steps.</param>
/// <param name="Ms">How long each step takes, in milliseconds.</param>
internal sealed record ProgressPayload([property: JsonPropertyName("steps")] int Steps, [property: JsonPropertyName("ms")] int Ms);

/// <summary>The payload of <c>demo.allocate</c>: <c>{"mb":200,"holdMs":5000}</c>.</summary>
/// <param name="Mb">How many mebibytes to allocate.</param>
/// <param name="HoldMs">How long to hold them, in milliseconds.</param>
internal sealed record AllocatePayload([property: JsonPropertyName("mb")] int Mb, [property: JsonPropertyName("holdMs")] int HoldMs);

/// <summary>The result of <c>demo.progress</c> and <c>demo.allocate</c>.</summary>
/// <param name="Steps">Steps done.</param>
/// <param name="Mb">Mebibytes allocated.</param>
internal sealed record DemoResult(
    [property: JsonPropertyName("steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Steps = null,
    [property: JsonPropertyName("mb"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Mb = null);
