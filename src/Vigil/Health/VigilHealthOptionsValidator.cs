using Microsoft.Extensions.Options;

namespace Vigil.Health;

/// <summary>Checks <see cref="VigilHealthOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class VigilHealthOptionsValidator : IValidateOptions<VigilHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, VigilHealthOptions options)
    {
        var errors = new List<string>();
        Positive(errors, nameof(options.StorageTimeout), options.StorageTimeout);
        Positive(errors, nameof(options.StorageDegradedLatency), options.StorageDegradedLatency);
        Positive(errors, nameof(options.HeartbeatDegradedAge), options.HeartbeatDegradedAge);
        Positive(errors, nameof(options.LoopTickDegradedAge), options.LoopTickDegradedAge);
        Positive(errors, nameof(options.OldestReadyDegradedAge), options.OldestReadyDegradedAge);
        Positive(errors, nameof(options.ServedWithin), options.ServedWithin);
        Positive(errors, nameof(options.FailureRatioWindow), options.FailureRatioWindow);
        Positive(errors, nameof(options.ReportTimeout), options.ReportTimeout);
        if (options.SnapshotCacheDuration < TimeSpan.Zero)
        {
            errors.Add($"Vigil:Health:SnapshotCacheDuration is {options.SnapshotCacheDuration}: use zero (no cache) or a positive time.");
        }

        Ordered(errors, nameof(options.HeartbeatDegradedAge), options.HeartbeatDegradedAge, nameof(options.HeartbeatUnhealthyAge), options.HeartbeatUnhealthyAge);
        Ordered(errors, nameof(options.HeartbeatUnhealthyAge), options.HeartbeatUnhealthyAge, nameof(options.ForgetWorkerAfter), options.ForgetWorkerAfter);
        Ordered(errors, nameof(options.LoopTickDegradedAge), options.LoopTickDegradedAge, nameof(options.LoopTickUnhealthyAge), options.LoopTickUnhealthyAge);
        if (options.FailureRatioMinAttempts < 1)
        {
            errors.Add($"Vigil:Health:FailureRatioMinAttempts is {options.FailureRatioMinAttempts}: use 1 or more.");
        }

        if (options.FailureRatioDegraded is <= 0 or > 1 || options.FailureRatioUnhealthy is <= 0 or > 1
            || options.FailureRatioDegraded > options.FailureRatioUnhealthy)
        {
            errors.Add(
                $"Vigil:Health:FailureRatioDegraded ({options.FailureRatioDegraded}) and FailureRatioUnhealthy ({options.FailureRatioUnhealthy}) " +
                "must be in (0, 1] with FailureRatioDegraded <= FailureRatioUnhealthy.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Health:{name} is {value}: use a positive time such as 00:00:10.");
        }
    }

    private static void Ordered(List<string> errors, string lowName, TimeSpan low, string highName, TimeSpan high)
    {
        if (low > high)
        {
            errors.Add($"Vigil:Health:{lowName} ({low}) is longer than {highName} ({high}): the degraded threshold must not exceed the one after it.");
        }
    }
}
