using Microsoft.Extensions.Options;
using Vigil.Tasks;

namespace Vigil.Probes;

/// <summary>Checks <see cref="SentinelOptions"/> at start-up and reports every problem at once.</summary>
internal sealed class SentinelOptionsValidator : IValidateOptions<SentinelOptions>
{
    public ValidateOptionsResult Validate(string? name, SentinelOptions options)
    {
        var errors = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Sentinel:Interval is {options.Interval}: use a positive time such as 00:00:10.");
        }

        if (options.Deadline <= TimeSpan.Zero)
        {
            errors.Add($"Vigil:Sentinel:Deadline is {options.Deadline}: use a positive time such as 00:00:10.");
        }

        if (options.CheckInterval <= TimeSpan.Zero || options.CheckInterval > options.Interval)
        {
            errors.Add($"Vigil:Sentinel:CheckInterval is {options.CheckInterval}: use a positive time no longer than Interval ({options.Interval}).");
        }

        if (options.LockDuration <= options.CheckInterval * 2)
        {
            errors.Add(
                $"Vigil:Sentinel:LockDuration ({options.LockDuration}) must be more than twice CheckInterval ({options.CheckInterval}), " +
                "or the sentinel loses its lock between two renewals.");
        }

        foreach (var queue in options.Queues)
        {
            if (!TaskNames.TryValidateQueue(queue, out var error))
            {
                errors.Add($"Vigil:Sentinel:Queues: {error}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
