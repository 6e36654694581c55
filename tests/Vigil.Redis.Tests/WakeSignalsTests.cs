using System.Diagnostics;
using Vigil.Redis.Engine;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>The per-queue wake-up flags behind <c>WaitForWorkAsync</c> (pure logic, no Redis).</summary>
public sealed class WakeSignalsTests
{
    private static readonly string[] OneQueue = ["q"];

    [Fact]
    public void TryConsume_SignalBefore_ConsumesItOnce()
    {
        // Arrange
        var signals = new WakeSignals();
        signals.Signal("q");

        // Act
        var first = signals.TryConsume(OneQueue, out _);
        var second = signals.TryConsume(OneQueue, out var next);

        // Assert: remembered while nobody waited, consumed by the first look only.
        Assert.True(first);
        Assert.False(second);
        Assert.False(next.IsCompleted);
    }

    [Fact]
    public void ClearPending_SignalThatWokeAWaiter_IsNotPendingAnyMore()
    {
        // Arrange: a waiter on two queues, woken by a signal on one of them.
        var signals = new WakeSignals();
        Assert.False(signals.TryConsume(["private", "q"], out var next));
        signals.Signal("q");
        Assert.True(next.IsCompleted);

        // Act: the woken waiter takes the signal for the claim it is about to send.
        signals.ClearPending(["private", "q"]);

        // Assert: the next look waits for a new signal.
        Assert.False(signals.TryConsume(["private", "q"], out var after));
        Assert.False(after.IsCompleted);
    }

    [Fact]
    public void ClearPending_SignalAfterwards_IsPending()
    {
        // Arrange
        var signals = new WakeSignals();
        signals.Signal("q");
        signals.ClearPending(OneQueue);

        // Act: a task enqueued after the waiter's claim went out.
        signals.Signal("q");

        // Assert
        Assert.True(signals.TryConsume(OneQueue, out _));
    }

    [Fact]
    public async Task TryConsume_SignalOnAnyOfTheQueuesAfterwards_CompletesTheWait()
    {
        // Arrange
        var signals = new WakeSignals();
        Assert.False(signals.TryConsume(["private", "q"], out var next));

        // Act
        signals.Signal("q");

        // Assert
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void TryConsume_SignalRacingTheLook_IsNeverLost()
    {
        // Arrange: a signal and a look race, many times. Whatever the interleaving, the look must either consume the
        // signal or return a wait that the signal completes: a signal landing between "pending?" and "which signal comes
        // next?" (two steps once) left the waiter asleep until its poll interval.
        const int MaxIterations = 200_000;
        var budget = Stopwatch.StartNew();
        WakeSignals? current = null;
        var go = 0;
        var signalled = 0;
        var setter = new Thread(() =>
        {
            for (var i = 1; i <= MaxIterations; i++)
            {
                while (Volatile.Read(ref go) < i)
                {
                    if (Volatile.Read(ref go) < 0)
                    {
                        return;
                    }

                    Thread.SpinWait(1);
                }

                Volatile.Read(ref current)!.Signal("q");
                Volatile.Write(ref signalled, i);
            }
        }) { IsBackground = true };
        setter.Start();

        // Act
        var lost = 0;
        var iterations = 0;
        for (var i = 1; i <= MaxIterations && budget.Elapsed < TimeSpan.FromSeconds(2); i++)
        {
            var signals = new WakeSignals();
            signals.TryConsume(OneQueue, out _); // the queue's flag exists and nothing is pending
            Volatile.Write(ref current, signals);
            Volatile.Write(ref go, i);
            var consumed = signals.TryConsume(OneQueue, out var next);
            var spin = new SpinWait();
            while (Volatile.Read(ref signalled) < i)
            {
                spin.SpinOnce();
            }

            if (!consumed && !next.IsCompleted)
            {
                lost++;
            }

            iterations = i;
        }

        Volatile.Write(ref go, -1);
        setter.Join(TimeSpan.FromSeconds(5));

        // Assert
        Assert.True(iterations > 1_000, $"only {iterations} iterations ran");
        Assert.Equal(0, lost);
    }
}
