using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Vigil.Alerts;

namespace Vigil.Observability.Tests.Alerts;

public sealed class AlertThrottleTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static AlertThrottle CreateSut() => new();

    [Fact]
    public void Observe_NewHealthyComponent_AnnouncesNothing()
    {
        var sut = CreateSut();

        var decisions = sut.Observe([("queue:a", HealthStatus.Healthy, "ok")], _time.GetUtcNow(), Cooldown);

        Assert.Empty(decisions);
    }

    [Fact]
    public void Observe_ComponentTurnsUnhealthy_AnnouncesOnceWhileItStays()
    {
        var sut = CreateSut();
        sut.Observe([("queue:a", HealthStatus.Healthy, "ok")], _time.GetUtcNow(), Cooldown);

        var first = sut.Observe([("queue:a", HealthStatus.Unhealthy, "not served")], _time.GetUtcNow(), Cooldown);
        _time.Advance(TimeSpan.FromMinutes(5));
        var second = sut.Observe([("queue:a", HealthStatus.Unhealthy, "still not served")], _time.GetUtcNow(), Cooldown);

        var decision = Assert.Single(first);
        Assert.Equal(HealthStatus.Healthy, decision.Previous);
        Assert.Equal(HealthStatus.Unhealthy, decision.Status);
        Assert.Equal("not served", decision.Description);
        Assert.Empty(second);
    }

    [Fact]
    public void Observe_FlappingWithinCooldown_HoldsBackThenAnnouncesFinalState()
    {
        // Arrange
        var sut = CreateSut();
        Assert.Single(sut.Observe([("worker:w", HealthStatus.Unhealthy, "zombie")], _time.GetUtcNow(), Cooldown));

        // Act: healthy, unhealthy, healthy again, all within the cool-down.
        var flaps = new List<AlertDecision>();
        foreach (var status in new[] { HealthStatus.Healthy, HealthStatus.Unhealthy, HealthStatus.Healthy })
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            flaps.AddRange(sut.Observe([("worker:w", status, status.ToString())], _time.GetUtcNow(), Cooldown));
        }

        _time.Advance(TimeSpan.FromSeconds(31));
        var afterCooldown = sut.Observe([("worker:w", HealthStatus.Healthy, "consumes")], _time.GetUtcNow(), Cooldown);

        // Assert
        Assert.Empty(flaps);
        var recovery = Assert.Single(afterCooldown);
        Assert.True(recovery.IsRecovery);
        Assert.Equal(HealthStatus.Unhealthy, recovery.Previous);
    }

    [Fact]
    public void Observe_ChangeBackWithinCooldown_AnnouncesNothingMore()
    {
        var sut = CreateSut();
        sut.Observe([("queue:a", HealthStatus.Degraded, "backlog")], _time.GetUtcNow(), Cooldown);
        _time.Advance(TimeSpan.FromSeconds(5));
        sut.Observe([("queue:a", HealthStatus.Healthy, "ok")], _time.GetUtcNow(), Cooldown);
        _time.Advance(TimeSpan.FromSeconds(5));
        sut.Observe([("queue:a", HealthStatus.Degraded, "backlog")], _time.GetUtcNow(), Cooldown);

        _time.Advance(TimeSpan.FromMinutes(2));
        var later = sut.Observe([("queue:a", HealthStatus.Degraded, "backlog")], _time.GetUtcNow(), Cooldown);

        Assert.Empty(later);
    }

    [Fact]
    public void Observe_UnhealthyComponentVanishes_AnnouncesRecovery()
    {
        var sut = CreateSut();
        sut.Observe([("worker:w-3", HealthStatus.Unhealthy, "zombie")], _time.GetUtcNow(), Cooldown);
        _time.Advance(Cooldown);

        var decisions = sut.Observe([], _time.GetUtcNow(), Cooldown);
        var again = sut.Observe([], _time.GetUtcNow(), Cooldown);

        var recovery = Assert.Single(decisions);
        Assert.Equal("worker:w-3", recovery.Component);
        Assert.True(recovery.IsRecovery);
        Assert.Contains("left", recovery.Description, StringComparison.Ordinal);
        Assert.Empty(again);
    }

    [Fact]
    public void Observe_BlipShorterThanConfirmation_IsNotAnnounced()
    {
        // Arrange: unhealthy announced long ago; then degraded for one check, then healthy for good.
        var sut = CreateSut();
        var confirm = TimeSpan.FromSeconds(3);
        sut.Observe([("queue:a", HealthStatus.Unhealthy, "not served")], _time.GetUtcNow(), Cooldown, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var decisions = new List<AlertDecision>();
        decisions.AddRange(sut.Observe([("queue:a", HealthStatus.Degraded, "behind")], _time.GetUtcNow(), Cooldown, confirm));
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            decisions.AddRange(sut.Observe([("queue:a", HealthStatus.Healthy, "served")], _time.GetUtcNow(), Cooldown, confirm));
        }

        // Assert: one recovery, after the healthy state held for the confirmation time; no degraded alert.
        var recovery = Assert.Single(decisions);
        Assert.Equal(HealthStatus.Healthy, recovery.Status);
        Assert.Equal(HealthStatus.Unhealthy, recovery.Previous);
    }

    [Fact]
    public void Observe_PartialObservation_LeavesOtherComponentsAsAnnounced()
    {
        var sut = CreateSut();
        sut.Observe([("worker:w-1", HealthStatus.Unhealthy, "zombie")], _time.GetUtcNow(), Cooldown);
        _time.Advance(Cooldown);

        var decisions = sut.Observe([("storage", HealthStatus.Unhealthy, "down")], _time.GetUtcNow(), Cooldown, complete: false);

        var decision = Assert.Single(decisions);
        Assert.Equal("storage", decision.Component);
    }
}
