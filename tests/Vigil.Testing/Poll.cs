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

    /// <summary>
    /// Reads a value every <paramref name="interval"/> until <paramref name="done"/> accepts it or <paramref name="timeout"/>
    /// passes, and returns the accepted value.
    /// </summary>
    /// <typeparam name="T">The value read.</typeparam>
    /// <param name="read">Reads the value. Transient I/O failures (<see cref="HttpRequestException"/>,
    /// <see cref="IOException"/>, <see cref="TaskCanceledException"/>: a server not listening yet) count as "not yet";
    /// any other exception, such as a failed assertion inside the probe, ends the wait at once.</param>
    /// <param name="done">Whether the value is the one awaited.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="interval">The pause between reads. Default 100 ms.</param>
    /// <returns>The first value <paramref name="done"/> accepted.</returns>
    /// <exception cref="TimeoutException">No value was accepted in time (the message has the last value and error).</exception>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var watch = Stopwatch.StartNew();
        var last = default(T);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await read().ConfigureAwait(false);
                lastError = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                lastError = ex;
            }

            if (watch.Elapsed >= timeout)
            {
                throw new TimeoutException(
                    $"Timed out after {timeout} waiting for {what}. Last value: {last}"
                    + (lastError is null ? string.Empty : $"; last error: {lastError.Message}"),
                    lastError);
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a synchronous condition (see <see cref="UntilAsync(Func{Task{bool}}, TimeSpan, string, TimeSpan?)"/>).</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="what">What is awaited.</param>
    /// <returns>How long it took.</returns>
    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
