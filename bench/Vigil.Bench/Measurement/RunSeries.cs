namespace Vigil.Bench.Measurement;

/// <summary>Collects one figure's value from each run, by name, and summarizes them at the end.</summary>
internal sealed class RunSeries
{
    private readonly Dictionary<string, (List<double> Values, string Unit)> _series = new(StringComparer.Ordinal);

    /// <summary>Adds one run's value of a figure.</summary>
    /// <param name="name">The figure, such as <c>drain.on</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">Its unit.</param>
    public void Add(string name, double value, string unit)
    {
        if (!_series.TryGetValue(name, out var entry))
        {
            entry = ([], unit);
            _series[name] = entry;
        }

        entry.Values.Add(value);
    }

    /// <summary>The summary of a figure over the runs that produced it.</summary>
    /// <param name="name">The figure.</param>
    /// <returns>The summary, or <see langword="null"/> when no run produced it.</returns>
    public Summary? Get(string name) =>
        _series.TryGetValue(name, out var entry) ? Summary.Of(entry.Values, entry.Unit) : null;

    /// <summary>The values collected for a figure.</summary>
    /// <param name="name">The figure.</param>
    /// <returns>The values, in run order.</returns>
    public IReadOnlyList<double> Values(string name) =>
        _series.TryGetValue(name, out var entry) ? entry.Values : [];
}
