namespace Vigil.Bench.Measurement;

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal static class Percentiles
{
    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="percent"/> % of the sample at or below it.</summary>
    /// <param name="sorted">The sample, sorted ascending (not empty).</param>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The value.</returns>
    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
