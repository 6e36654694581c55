using Vigil.Alerts;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Recovery;

namespace Vigil.Observability.Tests.Health;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new VigilHealthOptionsValidator().Validate(null, new VigilHealthOptions()).Succeeded);
        Assert.True(new SentinelOptionsValidator().Validate(null, new SentinelOptions()).Succeeded);
        Assert.True(new AlertOptionsValidator().Validate(null, new AlertOptions()).Succeeded);
        Assert.True(new RecoveryOptionsValidator().Validate(null, new RecoveryOptions()).Succeeded);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = new VigilHealthOptions
        {
            StorageTimeout = TimeSpan.Zero,
            LoopTickDegradedAge = TimeSpan.FromMinutes(2),
            FailureRatioDegraded = 0.9,
            FailureRatioUnhealthy = 0.5,
        };

        var result = new VigilHealthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("StorageTimeout", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("LoopTickDegradedAge", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("FailureRatioDegraded", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WebhookNotHttp_NamesValueAndFix()
    {
        var result = new AlertOptionsValidator().Validate(null, new AlertOptions { WebhookUrl = new Uri("ftp://example.com/hook") });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("ftp://example.com/hook", failure, StringComparison.Ordinal);
        Assert.Contains("https://", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SentinelLockShorterThanTwoChecks_Fails()
    {
        var result = new SentinelOptionsValidator().Validate(null, new SentinelOptions { CheckInterval = TimeSpan.FromSeconds(5), LockDuration = TimeSpan.FromSeconds(8) });

        Assert.Contains(result.Failures!, f => f.Contains("LockDuration", StringComparison.Ordinal));
    }
}
