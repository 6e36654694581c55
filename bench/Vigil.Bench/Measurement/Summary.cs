namespace Vigil.Bench.Measurement;

/// <summary>One figure over several runs: the median with the min and max, and every run's value.</summary>
/// <param name="Median">The median of the runs.</param>
/// <param name="Min">The smallest run.</param>
/// <param name="Max">The largest run.</param>
/// <param name="Runs">Every run's value, in run order.</param>
/// <param name="Unit">The unit, such as <c>tasks/s</c>, <c>ms</c>, <c>%</c>, <c>MB</c>.</param>
internal sealed record Summary(double Median, double Min, double Max, IReadOnlyList<double> Runs, string Unit)
{
    /// <summary>Summarizes run values.</summary>
    /// <param name="values">The values (at least one).</param>
    /// <param name="unit">The unit.</param>
    /// <returns>The summary, or <see langword="null"/> when there is no value (every run of the step failed).</returns>
    public static Summary? Of(IReadOnlyList<double> values, string unit)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Summary(median, sorted[0], sorted[^1], [.. values], unit);
    }
}
