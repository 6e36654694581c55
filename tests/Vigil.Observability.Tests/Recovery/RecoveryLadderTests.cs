using Microsoft.Extensions.Time.Testing;
using Vigil.Recovery;

namespace Vigil.Observability.Tests.Recovery;

public sealed class RecoveryLadderTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new();

    private static RecoveryLadder CreateSut() => new();

    [Fact]
    public void Observe_NotStuck_TakesNoStep()
    {
        var sut = CreateSut();

        Assert.Equal(RecoveryStep.None, sut.Observe(stuck: false, _time.GetUtcNow(), StepTimeout));
    }

    [Fact]
    public void Observe_StuckThroughout_ClimbsOneStepPerTimeoutToRecycle()
    {
        var sut = CreateSut();
        var steps = new List<RecoveryStep>();

        // One observation a second for 40 s, stuck all along.
        for (var i = 0; i <= 40; i++)
        {
            var step = sut.Observe(stuck: true, _time.GetUtcNow(), StepTimeout);
            if (step != RecoveryStep.None)
            {
                steps.Add(step);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([RecoveryStep.ResetConnection, RecoveryStep.RestartLoops, RecoveryStep.Recycle], steps);
    }

    [Fact]
    public void Observe_StuckWithinStepTimeout_WaitsForTheStepToHelp()
    {
        var sut = CreateSut();
        Assert.Equal(RecoveryStep.ResetConnection, sut.Observe(true, _time.GetUtcNow(), StepTimeout));

        _time.Advance(StepTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal(RecoveryStep.None, sut.Observe(true, _time.GetUtcNow(), StepTimeout));
        Assert.Equal(RecoveryStep.ResetConnection, sut.Current);
    }

    [Fact]
    public void Observe_StepHelps_AnnouncesRecoveryAndStartsOver()
    {
        var sut = CreateSut();
        sut.Observe(true, _time.GetUtcNow(), StepTimeout);
        _time.Advance(StepTimeout);
        Assert.Equal(RecoveryStep.RestartLoops, sut.Observe(true, _time.GetUtcNow(), StepTimeout));

        var recovered = sut.Observe(false, _time.GetUtcNow(), StepTimeout);
        var again = sut.Observe(true, _time.GetUtcNow(), StepTimeout);

        Assert.Equal(RecoveryStep.Recovered, recovered);
        Assert.Equal(RecoveryStep.ResetConnection, again);
    }

    [Fact]
    public void Observe_AfterRecycle_TakesNoFurtherStep()
    {
        var sut = CreateSut();
        for (var i = 0; i < 3; i++)
        {
            sut.Observe(true, _time.GetUtcNow(), StepTimeout);
            _time.Advance(StepTimeout);
        }

        Assert.Equal(RecoveryStep.Recycle, sut.Current);
        Assert.Equal(RecoveryStep.None, sut.Observe(true, _time.GetUtcNow(), StepTimeout));
        Assert.Equal(RecoveryStep.None, sut.Observe(false, _time.GetUtcNow(), StepTimeout));
    }
}
