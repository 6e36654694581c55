using Microsoft.Extensions.Options;

namespace Vigil.AspNetCore.Realtime;

/// <summary>Checks <see cref="VigilRealtimeOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class VigilRealtimeOptionsValidator : IValidateOptions<VigilRealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, VigilRealtimeOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(options.EventPollInterval), options.EventPollInterval, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10));
        Check(failures, nameof(options.StatePollInterval), options.StatePollInterval, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60));
        Check(failures, nameof(options.DashboardPushInterval), options.DashboardPushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60));
        Check(failures, nameof(options.EventBatchSize), options.EventBatchSize, 1, 10_000);
        Check(failures, nameof(options.MaxSubscriptionsPerConnection), options.MaxSubscriptionsPerConnection, 1, 10_000);
        Check(failures, nameof(options.MaxWatchedTasks), options.MaxWatchedTasks, 1, 1_000_000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"VigilRealtimeOptions.{name} is {value}: use a value from {min} to {max}.");
        }
    }

    private static void Check(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"VigilRealtimeOptions.{name} is {value}: use a value from {min} to {max}.");
        }
    }
}
