using Microsoft.Extensions.Options;
using Vigil.Redis.Connection;

namespace Vigil.Redis;

/// <summary>Checks <see cref="RedisStorageOptions"/> at start-up and reports every problem in one result.</summary>
internal sealed class RedisStorageOptionsValidator : IValidateOptions<RedisStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStorageOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem of <paramref name="options"/>, as messages naming the option, the value and the fix.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The problems; empty when valid.</returns>
    public static List<string> Collect(RedisStorageOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add("RedisStorageOptions.Configuration is empty: give redis://host:port or a StackExchange.Redis configuration string.");
        }
        else
        {
            try
            {
                _ = RedisConfigurationParser.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 50
            || !options.KeyPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"RedisStorageOptions.KeyPrefix '{options.KeyPrefix}' is invalid: use letters, digits, '-', '_' or '.', at most 50 characters.");
        }

        Positive(errors, nameof(options.OperationTimeout), options.OperationTimeout);
        Positive(errors, nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(errors, nameof(options.PingInterval), options.PingInterval);
        Positive(errors, nameof(options.PingTimeout), options.PingTimeout);
        if (options.FailuresBeforeReconnect < 1)
        {
            errors.Add($"RedisStorageOptions.FailuresBeforeReconnect is {options.FailuresBeforeReconnect}: use 1 or more.");
        }

        NotNegative(errors, nameof(options.EnqueueWaitWhenUnavailable), options.EnqueueWaitWhenUnavailable);
        NotNegative(errors, nameof(options.FinishedTaskExpiry), options.FinishedTaskExpiry);
        NotNegative(errors, nameof(options.StatisticsExpiry), options.StatisticsExpiry);
        Positive(errors, nameof(options.WorkerRecordExpiry), options.WorkerRecordExpiry);
        if (options.HandOffWindow < TimeSpan.Zero || options.HandOffWindow > TimeSpan.FromMinutes(1))
        {
            errors.Add($"RedisStorageOptions.HandOffWindow is {options.HandOffWindow}: use zero (no direct hand-off) up to 1 minute, a little above the workers' PollInterval.");
        }
        if (options.EventFeedMaxLength < 100)
        {
            errors.Add($"RedisStorageOptions.EventFeedMaxLength is {options.EventFeedMaxLength}: use 100 or more.");
        }

        return errors;
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"RedisStorageOptions.{name} is {value}: use a positive time span.");
        }
    }

    private static void NotNegative(List<string> errors, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"RedisStorageOptions.{name} is {value}: use zero or a positive time span.");
        }
    }
}
