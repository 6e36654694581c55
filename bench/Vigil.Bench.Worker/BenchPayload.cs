using System.Text.Json.Serialization;

namespace Vigil.Bench.Worker;

/// <summary>
/// The payload of <c>bench.noop</c>. Drain tasks carry <c>{}</c>; latency tasks carry their index and the enqueuer's
/// monotonic timestamp, and the handler reports its own start beside it.
/// </summary>
internal sealed record BenchPayload
{
    /// <summary>The latency sample index, or <see langword="null"/> for a drain task.</summary>
    [JsonPropertyName("i")]
    public int? I { get; init; }
}
