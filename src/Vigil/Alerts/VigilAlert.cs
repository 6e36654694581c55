using System.Text.Json.Serialization;

namespace Vigil.Alerts;

/// <summary>The JSON body POSTed to the alert webhook, and the data of the <c>alert</c> event on the event feed.</summary>
public sealed record VigilAlert
{
    /// <summary><c>alert</c> when a component got worse, <c>recovery</c> when it got healthy again.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The component: <c>storage</c>, <c>queue:{name}</c> or <c>worker:{id}</c>.</summary>
    [JsonPropertyName("component")]
    public required string Component { get; init; }

    /// <summary>The new status: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>The status announced before.</summary>
    [JsonPropertyName("previousStatus")]
    public required string PreviousStatus { get; init; }

    /// <summary>Why, in one sentence a person understands.</summary>
    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>When the change was announced.</summary>
    [JsonPropertyName("at")]
    public required DateTimeOffset At { get; init; }

    /// <summary>The process that announced it (the sentinel's owner id).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }
}
