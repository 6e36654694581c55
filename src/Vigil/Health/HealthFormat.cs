using System.Globalization;

namespace Vigil.Health;

/// <summary>Formats ages and sizes the way a person reads them in a health reason ("31 s", "2.5 min", "612 MB").</summary>
internal static class HealthFormat
{
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds switch
        {
            < 1 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalMilliseconds:0} ms"),
            < 120 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0} s"),
            < 7200 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0.#} min"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0.#} h"),
        };
    }

    public static string Bytes(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0} MB");

    public static double Seconds(TimeSpan value) => Math.Round(Math.Max(0, value.TotalSeconds), 3);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
