using Vigil.Cli.Commands;

namespace Vigil.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("00:00:03", 3_000)]
    [InlineData("0s", 0)]
    public void TryParse_Valid_GivesDuration(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("s")]
    [InlineData("-00:00:01")]
    [InlineData("99999999999d")]
    public void TryParse_Invalid_IsRefused(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_InvalidWithName_MessageNamesOptionValueAndForms()
    {
        Assert.False(Durations.TryParse("--delay", "soon", out _, out var error));
        Assert.Equal("--delay 'soon' is not a duration: use a number with a unit (250ms, 10s, 5m, 1h30m, 2d) or hh:mm:ss.", error);
    }

    [Theory]
    [InlineData(850, "850ms")]
    [InlineData(12_300, "12.3s")]
    [InlineData(245_000, "4m05s")]
    [InlineData(7_800_000, "2h10m")]
    public void Format_GivesCompactText(long milliseconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
