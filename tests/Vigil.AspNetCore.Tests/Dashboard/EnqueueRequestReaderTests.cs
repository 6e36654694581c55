using System.Text.Json;
using Vigil.AspNetCore.Dashboard.Api;

namespace Vigil.AspNetCore.Tests.Dashboard;

public sealed class EnqueueRequestReaderTests
{
    [Fact]
    public void TryRead_AllFields_MapsThemToOptions()
    {
        using var body = JsonDocument.Parse("""
            {"type":"reports.generate","payload":{"n":1},"queue":"reports","maxAttempts":3,"timeoutSeconds":90,
             "delaySeconds":2.5,"idempotencyKey":"k-1"}
            """);

        var ok = EnqueueRequestReader.TryRead(body.RootElement, out var type, out var payload, out var options, out var error);

        Assert.True(ok, error);
        Assert.Equal("reports.generate", type);
        Assert.Equal("{\"n\":1}", payload);
        Assert.Equal("reports", options!.Queue);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Delay);
        Assert.Equal("k-1", options.IdempotencyKey);
    }

    [Fact]
    public void TryRead_NoPayload_SendsJsonNull()
    {
        using var body = JsonDocument.Parse("{\"type\":\"a\"}");

        Assert.True(EnqueueRequestReader.TryRead(body.RootElement, out _, out var payload, out _, out _));
        Assert.Equal("null", payload);
    }

    [Theory]
    [InlineData("{\"type\":\"a\",\"scheduledAt\":\"tomorrow\"}", "Field 'scheduledAt' is \"tomorrow\"")]
    [InlineData("{\"type\":\"a\",\"timeoutSeconds\":1e12}", "Field 'timeoutSeconds' is 1e12")]
    [InlineData("{\"type\":\"a\",\"maxAttempts\":1.5}", "Field 'maxAttempts' is 1.5")]
    [InlineData("{\"type\":\"a\",\"queue\":7}", "Field 'queue' must be a string")]
    [InlineData("\"text\"", "The request body is a JSON string")]
    public void TryRead_BadField_NamesIt(string json, string expected)
    {
        using var body = JsonDocument.Parse(json);

        Assert.False(EnqueueRequestReader.TryRead(body.RootElement, out _, out _, out _, out var error));
        Assert.Contains(expected, error);
    }
}
