using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Realtime;

/// <summary>The <see cref="VigilEvent.Data"/> of a <c>task.progress</c> event: <c>{"percent":40,"message":"..."}</c>.</summary>
/// <param name="Percent">0 to 100, or null when unknown.</param>
/// <param name="Message">A short text for a person.</param>
internal sealed record ProgressData(double? Percent, string? Message);

/// <summary>The <see cref="VigilEvent.Data"/> of a <c>group.message</c> event: <c>{"method":"...","data":...}</c>.</summary>
/// <param name="Method">The client method the browsers listen on.</param>
/// <param name="Data">The message.</param>
internal sealed record GroupMessageData(string Method, JsonElement Data);

/// <summary>The <see cref="VigilEvent.Data"/> of a <c>task.state</c> event: <c>{"state":"succeeded","attempt":1,...}</c>.</summary>
/// <param name="State">The task's new state (wire name).</param>
/// <param name="Type">The task type.</param>
/// <param name="Queue">The queue.</param>
/// <param name="Attempt">The attempt that ended.</param>
/// <param name="Error">The error message, for a failed attempt.</param>
internal sealed record TaskStateData(string State, string Type, string Queue, int Attempt, string? Error);

/// <summary>Source-generated JSON for the data of Vigil's real-time events (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProgressData))]
[JsonSerializable(typeof(GroupMessageData))]
[JsonSerializable(typeof(TaskStateData))]
internal sealed partial class RealtimeJsonContext : JsonSerializerContext;
