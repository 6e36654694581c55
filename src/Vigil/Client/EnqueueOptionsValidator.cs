using Vigil.Tasks;

namespace Vigil.Client;

/// <summary>Checks per-task <see cref="EnqueueOptions"/> at enqueue.</summary>
internal static class EnqueueOptionsValidator
{
    /// <exception cref="ArgumentException">An option is invalid; the message names it, its value and the fix.</exception>
    public static void ThrowIfInvalid(EnqueueOptions? options)
    {
        if (options is null)
        {
            return;
        }

        const string Param = "options";
        if (options.Queue is not null)
        {
            TaskNames.ThrowIfInvalidQueue(options.Queue, Param);
        }

        if (options.MaxAttempts is { } attempts && attempts is < 1 or > 1000)
        {
            throw new ArgumentException($"MaxAttempts is {attempts}: use a value from 1 to 1000.", Param);
        }

        if (options.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > VigilOptionsValidator.MaxTimeout))
        {
            throw new ArgumentException($"Timeout is {timeout}: use a duration above zero and at most {VigilOptionsValidator.MaxTimeout}.", Param);
        }

        if (options.Delay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentException($"Delay is {delay}: use zero or a positive duration.", Param);
        }

        if (options.Delay is not null && options.ScheduledAt is not null)
        {
            throw new ArgumentException("Delay and ScheduledAt are both set: set one of them, not both.", Param);
        }

        if (options.IdempotencyKey is { } key)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new ArgumentException("IdempotencyKey is empty: leave it null for no key, or give a non-blank key.", Param);
            }

            if (key.Length > VigilClient.MaxIdempotencyKeyLength)
            {
                throw new ArgumentException(
                    $"IdempotencyKey '{key[..20]}...' is {key.Length} characters long: use at most {VigilClient.MaxIdempotencyKeyLength} (hash longer keys).",
                    Param);
            }
        }
    }
}
