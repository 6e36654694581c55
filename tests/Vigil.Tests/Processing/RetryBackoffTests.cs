using Vigil.Processing;

namespace Vigil.Tests.Processing;

public class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 32)]
    public void Compute_NoJitter_DoublesPerAttempt(int attempt, int expectedSeconds)
    {
        var delay = RetryBackoff.Compute(attempt, Base, Max, jitter: 0, random: 0.9);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void Compute_ManyAttempts_CappedAtMaxDelay()
    {
        Assert.Equal(Max, RetryBackoff.Compute(50, Base, Max, jitter: 0, random: 0.5));
        Assert.Equal(Max, RetryBackoff.Compute(int.MaxValue, Base, Max, jitter: 0, random: 0.5));
    }

    [Theory]
    [InlineData(0.0, 4)]
    [InlineData(0.5, 8)]
    [InlineData(0.999999, 12)]
    public void Compute_WithJitter_SpreadsWithinPlusMinusFraction(double random, double expectedSeconds)
    {
        // Attempt 3 → 8 s; jitter 0.5 → 4 s to 12 s.
        var delay = RetryBackoff.Compute(3, Base, Max, jitter: 0.5, random: random);

        Assert.Equal(expectedSeconds, delay.TotalSeconds, precision: 3);
    }

    [Fact]
    public void Compute_JitterAboveCap_NeverExceedsMaxDelay()
    {
        var delay = RetryBackoff.Compute(40, Base, Max, jitter: 1, random: 0.999);

        Assert.True(delay <= Max, $"{delay} exceeds the cap {Max}");
    }

    [Fact]
    public void Compute_WithOptions_StaysWithinJitterBounds()
    {
        var options = new VigilOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), RetryJitter = 0.2 };

        for (var i = 0; i < 200; i++)
        {
            var delay = RetryBackoff.Compute(1, options);
            Assert.InRange(delay.TotalSeconds, 8, 12);
        }
    }
}
