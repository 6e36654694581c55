using Vigil.AspNetCore.Realtime;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Realtime;

public sealed class TaskSubscriptionsTests
{
    private static TaskSubscriptions CreateSut() => new();

    [Fact]
    public void Add_OverConnectionLimit_IsRefused()
    {
        var sut = CreateSut();

        Assert.Equal(TaskSubscriptions.AddResult.Added, sut.Add("c1", "t1", maxPerConnection: 2, maxWatched: 10));
        Assert.Equal(TaskSubscriptions.AddResult.Added, sut.Add("c1", "t2", 2, 10));
        Assert.Equal(TaskSubscriptions.AddResult.ConnectionLimitReached, sut.Add("c1", "t3", 2, 10));
        Assert.Equal(TaskSubscriptions.AddResult.Added, sut.Add("c2", "t3", 2, 10));
        Assert.Equal(3, sut.WatchedCount);
    }

    [Fact]
    public void Add_OverWatchLimit_IsRefusedButASharedTaskIsNot()
    {
        var sut = CreateSut();
        sut.Add("c1", "t1", 10, maxWatched: 1);

        Assert.Equal(TaskSubscriptions.AddResult.WatchLimitReached, sut.Add("c2", "t2", 10, 1));
        Assert.Equal(TaskSubscriptions.AddResult.Added, sut.Add("c2", "t1", 10, 1));
    }

    [Fact]
    public void RemoveConnection_LastSubscriber_StopsWatchingItsTasks()
    {
        var sut = CreateSut();
        sut.Add("c1", "t1", 10, 10);
        sut.Add("c2", "t1", 10, 10);
        sut.Add("c1", "t2", 10, 10);

        sut.RemoveConnection("c1");

        Assert.Equal(["t1"], sut.Snapshot().Select(s => s.TaskId));
    }

    [Fact]
    public void Observed_Terminal_StopsWatchingUntilSubscribedAgain()
    {
        var sut = CreateSut();
        sut.Add("c1", "t1", 10, 10);

        sut.Observed("t1", TaskState.Succeeded, 1, stopWatching: true);
        var afterTerminal = sut.WatchedCount;
        var again = sut.Add("c1", "t1", 10, 10);

        Assert.Equal(0, afterTerminal);
        Assert.Equal(TaskSubscriptions.AddResult.AlreadySubscribed, again);
        Assert.Equal(1, sut.WatchedCount);
    }

    [Fact]
    public void Observed_NonTerminal_RemembersTheStatePushed()
    {
        var sut = CreateSut();
        sut.Add("c1", "t1", 10, 10);

        sut.Observed("t1", TaskState.Running, 2, stopWatching: false);

        var (taskId, state, attempt) = Assert.Single(sut.Snapshot());
        Assert.Equal(("t1", TaskState.Running, 2), (taskId, state, attempt));
    }
}
