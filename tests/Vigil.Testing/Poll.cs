using System.Diagnostics;

namespace Vigil.Testing;

/// <summary>Waits for a condition by polling it, with a deadline: the alternative to sleeping a fixed time.</summary>
public static class Poll
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> until it holds or <paramref name="timeout"/> passes.</summary>
    /// <param name="condition">The condition; exceptions count as "not yet".</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="interval">The pause between polls. Default 50 ms.</param>
    /// <returns>How long it took.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < timeout)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting for {what}." + (last is null ? string.Empty : $" Last error: {last.Message}"), last);
    }

    /// <summary>Polls a synchronous condition (see <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, TimeSpan?)"/>).</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">What is awaited.</param>
    /// <returns>How long it took.</returns>
    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
