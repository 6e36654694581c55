using Vigil.Bench.Measurement;

namespace Vigil.Bench.Report;

/// <summary>Issue 5's targets (Redis engine, one worker process, everything on; SQLite drain) checked against the medians.</summary>
internal static class Targets
{
    /// <summary>Checks every target the report has a figure for.</summary>
    /// <param name="report">The report.</param>
    /// <returns>One check per target.</returns>
    public static IEnumerable<TargetCheck> Check(BenchReport report)
    {
        report.Engines.TryGetValue("redis", out var redis);
        report.Engines.TryGetValue("sqlite", out var sqlite);
        yield return AtLeast("Redis drain, 1 worker, everything on", redis?.DrainTasksPerSec, 25_000, "tasks/s");
        yield return AtMost("Redis e2e latency p50", redis?.Latency?.P50Ms, 0.4, "ms");
        yield return AtMost("Redis e2e latency p99", redis?.Latency?.P99Ms, 2, "ms");
        yield return AtMost("Redis e2e latency max (no missed wake-up)", redis?.Latency?.MaxMs, 20, "ms");
        yield return AtMost("Redis idle worker CPU", redis?.Idle?.CpuPercent, 0.3, "%");
        yield return AtMost("Redis idle worker RSS", redis?.Idle?.RssMb, 80, "MB");
        yield return AtMost("Redis observability overhead", redis?.Observability?.OverheadPercent, 3, "%");
        yield return AtLeast("SQLite drain, 1 worker, everything on", sqlite?.DrainTasksPerSec, 5_000, "tasks/s");
    }

    private static TargetCheck AtLeast(string name, Summary? figure, double target, string unit) =>
        new(name, $"≥ {Format(target, unit)} {unit}", figure?.Median, unit, figure is not null && figure.Median >= target);

    private static TargetCheck AtMost(string name, Summary? figure, double target, string unit) =>
        new(name, $"≤ {Format(target, unit)} {unit}", figure?.Median, unit, figure is not null && figure.Median <= target);

    /// <summary>Formats a value for its unit: thousands for rates, two decimals for small figures.</summary>
    /// <param name="value">The value.</param>
    /// <param name="unit">The unit.</param>
    /// <returns>The text.</returns>
    public static string Format(double value, string unit) => unit switch
    {
        "tasks/s" => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        "MB" or "KB/task" => value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(Math.Abs(value) >= 100 ? "F0" : "0.##", System.Globalization.CultureInfo.InvariantCulture),
    };
}
