using Microsoft.Extensions.Options;
using Vigil.Tasks;

namespace Vigil;

/// <summary>Checks <see cref="VigilOptions"/> at start-up and reports every problem in one result.</summary>
internal sealed class VigilOptionsValidator : IValidateOptions<VigilOptions>
{
    /// <summary>The longest timeout a cancellation timer takes (about 24.8 days, <see cref="int.MaxValue"/> milliseconds).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    public ValidateOptionsResult Validate(string? name, VigilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!TaskNames.TryValidateQueue(options.DefaultQueue, out var error))
        {
            failures.Add($"DefaultQueue: {error}");
        }

        if (options.Queues.Count == 0)
        {
            failures.Add("Queues is empty: a worker needs at least one queue (for example 'default'), or set RunWorker to false.");
        }

        foreach (var queue in options.Queues)
        {
            if (!TaskNames.TryValidateQueue(queue, out error))
            {
                failures.Add($"Queues: {error}");
            }
            else if (TaskNames.IsPrivateQueue(queue))
            {
                failures.Add($"Queues: '{queue}' is a worker's private queue (prefix '{TaskNames.PrivateQueuePrefix}'): each worker consumes its own; list shared queues only.");
            }
        }

        var duplicates = options.Queues.Where(q => q is not null).GroupBy(q => q, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            failures.Add($"Queues: {string.Join(", ", duplicates.Select(d => $"'{d}'"))} listed more than once: list each queue once.");
        }

        Range(failures, nameof(options.DefaultMaxAttempts), options.DefaultMaxAttempts, 1, 1000);
        Range(failures, nameof(options.Concurrency), options.Concurrency, 1, 1024);
        Range(failures, nameof(options.MaxPayloadBytes), options.MaxPayloadBytes, 1, 64 * 1024 * 1024);

        Positive(failures, nameof(options.DefaultTimeout), options.DefaultTimeout, MaxTimeout);
        Positive(failures, nameof(options.LeaseDuration), options.LeaseDuration, MaxTimeout);
        Positive(failures, nameof(options.LeaseRenewInterval), options.LeaseRenewInterval, MaxTimeout);
        Positive(failures, nameof(options.PollInterval), options.PollInterval, MaxTimeout);
        Positive(failures, nameof(options.HeartbeatInterval), options.HeartbeatInterval, MaxTimeout);
        Positive(failures, nameof(options.MaintenanceInterval), options.MaintenanceInterval, MaxTimeout);
        Positive(failures, nameof(options.SucceededRetention), options.SucceededRetention, TimeSpan.MaxValue);
        Positive(failures, nameof(options.DeadRetention), options.DeadRetention, TimeSpan.MaxValue);
        Positive(failures, nameof(options.StatisticsRetention), options.StatisticsRetention, TimeSpan.MaxValue);
        NotNegative(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        NotNegative(failures, nameof(options.RetryMaxDelay), options.RetryMaxDelay);
        NotNegative(failures, nameof(options.ShutdownGracePeriod), options.ShutdownGracePeriod);
        NotNegative(failures, nameof(options.AbandonGracePeriod), options.AbandonGracePeriod);

        if (options.LeaseRenewInterval >= options.LeaseDuration && options.LeaseDuration > TimeSpan.Zero)
        {
            failures.Add($"LeaseRenewInterval ({options.LeaseRenewInterval}) must be shorter than LeaseDuration ({options.LeaseDuration}), or leases expire between renewals: use a third of it or less.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"RetryMaxDelay ({options.RetryMaxDelay}) is shorter than RetryBaseDelay ({options.RetryBaseDelay}): make it at least as long.");
        }

        if (double.IsNaN(options.RetryJitter) || options.RetryJitter < 0 || options.RetryJitter > 1)
        {
            failures.Add($"RetryJitter is {options.RetryJitter}: use a fraction from 0 to 1 (0.2 means ±20%).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} is {value}: use a value from {min} to {max}.");
        }
    }

    private static void Positive(List<string> failures, string name, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"{name} is {value}: use a duration above zero{(max == TimeSpan.MaxValue ? string.Empty : $" and at most {max}")}.");
        }
    }

    private static void NotNegative(List<string> failures, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"{name} is {value}: use zero or a positive duration.");
        }
    }
}
