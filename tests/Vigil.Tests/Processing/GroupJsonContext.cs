using System.Text.Json.Serialization;

namespace Vigil.Tests.Processing;

/// <summary>A group message.</summary>
/// <param name="OrderId">The order.</param>
public sealed record GroupOrder(int OrderId);

/// <summary>
/// Source-generated metadata, as a Native AOT application passes it; snake_case, so what it writes (<c>order_id</c>)
/// differs from what reflection with Vigil's web defaults would (<c>orderId</c>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(GroupOrder))]
[JsonSerializable(typeof(OrderPayload))]
internal sealed partial class GroupJsonContext : JsonSerializerContext;
