using System.Text.Json;

namespace Vigil.AspNetCore.Realtime;

/// <summary>A feed event pushed to dashboards on <c>systemEvent</c>.</summary>
internal sealed record SystemEventMessage(string Kind, string? TaskId, string? Group, JsonElement? Data, DateTimeOffset At);
