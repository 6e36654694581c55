namespace Vigil.Processing;

/// <summary>The delay before a failed task's next attempt: exponential, capped, with jitter.</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// <c>RetryBaseDelay × 2^(attempt−1)</c>, capped at <c>RetryMaxDelay</c>, then spread by ±<c>RetryJitter</c> (and capped
    /// again, so the cap holds). The jitter keeps tasks that failed together (a storage blip) from retrying together.
    /// </summary>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="baseDelay">The first retry's delay.</param>
    /// <param name="maxDelay">The cap.</param>
    /// <param name="jitter">The random spread, 0 to 1.</param>
    /// <param name="random">A uniform random number in [0, 1).</param>
    /// <returns>The delay.</returns>
    public static TimeSpan Compute(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 62);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        var capped = Math.Min(ticks, maxDelay.Ticks);
        var spread = capped * (1 + (jitter * ((2 * random) - 1)));
        return TimeSpan.FromTicks((long)Math.Clamp(spread, 0, maxDelay.Ticks));
    }

    /// <summary>The delay for <paramref name="attempt"/> under <paramref name="options"/>, with a fresh random number.</summary>
    public static TimeSpan Compute(int attempt, VigilOptions options)
    {
        // Jitter needs spread, not secrecy: Random.Shared is right here.
#pragma warning disable CA5394 // Do not use insecure randomness
        var random = Random.Shared.NextDouble();
#pragma warning restore CA5394
        return Compute(attempt, options.RetryBaseDelay, options.RetryMaxDelay, options.RetryJitter, random);
    }
}
