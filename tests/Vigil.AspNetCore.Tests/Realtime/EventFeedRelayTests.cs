using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.AspNetCore.Dashboard;
using Vigil.AspNetCore.Realtime;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Realtime;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Realtime;

public sealed class EventFeedRelayTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RecordingHubContext<VigilHub> _app = new();
    private readonly RecordingHubContext<DashboardHub> _dashboard = new();
    private readonly TaskSubscriptions _subscriptions = new();

    [Fact]
    public async Task ReadEvents_StorageFailsThenRecovers_CarriesOnFromItsCursor()
    {
        // Arrange: the first read fails, the second brings a progress event, later reads must continue from its cursor.
        var (storage, fake) = FakeStorage.Create();
        var calls = 0;
        var cursors = new List<string?>();
        fake.ReadEvents = (cursor, _) =>
        {
            lock (cursors)
            {
                cursors.Add(cursor);
            }

            return Interlocked.Increment(ref calls) switch
            {
                1 => throw new StorageUnavailableException("down"),
                2 => ValueTask.FromResult(new EventBatch(
                    [new VigilEvent { Kind = "task.progress", TaskId = "abc", Data = "{\"percent\":30,\"message\":\"m\"}", At = At }], "c1")),
                _ => ValueTask.FromResult(new EventBatch([], "c1")),
            };
        };
        using var sut = CreateSut(storage);

        // Act
        await sut.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref calls) >= 4);
        await sut.StopAsync(CancellationToken.None);

        // Assert
        var sent = _app.Sent.Single(s => s.Method == VigilHubMethods.TaskProgress);
        Assert.Equal("task:abc", sent.Group);
        Assert.Equal(new TaskProgressMessage("abc", 30, "m", At), sent.Argument);
        Assert.Contains(_dashboard.Sent, s => s.Group == "task:abc");
        lock (cursors)
        {
            Assert.Equal([null, null, "c1"], cursors.Take(3));
        }
    }

    [Fact]
    public async Task GroupMessage_IsSentToItsGroupWithItsMethod()
    {
        var (storage, fake) = FakeStorage.Create();
        var served = 0;
        fake.ReadEvents = (cursor, _) => Interlocked.Increment(ref served) == 1
            ? ValueTask.FromResult(new EventBatch([new VigilEvent { Kind = "group.message", Group = "room", Data = "{\"method\":\"chat\",\"data\":{\"t\":1}}", At = At }], "1"))
            : ValueTask.FromResult(new EventBatch([], "1"));
        using var sut = CreateSut(storage);

        await sut.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _app.Sent.Any(s => s.Group == "room"));
        await sut.StopAsync(CancellationToken.None);

        var (group, method, argument) = _app.Sent.Single(s => s.Group == "room");
        Assert.Equal("chat", method);
        Assert.Equal(1, ((System.Text.Json.JsonElement?)argument)!.Value.GetProperty("t").GetInt32());
    }

    [Fact]
    public async Task StatePoll_WatchedTask_PushesEachChangeOnceThenStopsAtTerminal()
    {
        // Arrange: the task is running, a read fails, then it has succeeded.
        var (storage, fake) = FakeStorage.Create();
        var reads = 0;
        fake.GetTask = id => Interlocked.Increment(ref reads) switch
        {
            1 or 2 => ValueTask.FromResult<TaskRecord?>(Task(id, TaskState.Running)),
            3 => throw new StorageUnavailableException("blip"),
            _ => ValueTask.FromResult<TaskRecord?>(Task(id, TaskState.Succeeded) with { Result = "{\"ok\":true}" }),
        };
        _subscriptions.Add("conn", "t1", 10, 10);
        using var sut = CreateSut(storage);

        // Act
        await sut.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => _subscriptions.WatchedCount == 0);
        await sut.StopAsync(CancellationToken.None);

        // Assert
        var states = _app.Sent.Where(s => s.Method == VigilHubMethods.TaskState).Select(s => (TaskStateMessage)s.Argument!).ToList();
        Assert.Equal(["running", "succeeded"], states.Select(s => s.State));
        Assert.True(states[1].Terminal);
        Assert.True(states[1].Result!.Value.GetProperty("ok").GetBoolean());
    }

    private EventFeedRelay CreateSut(IVigilStorage storage) => new(
        storage,
        new RealtimeSender(_app, _dashboard),
        _subscriptions,
        Options.Create(new VigilRealtimeOptions
        {
            EventPollInterval = TimeSpan.FromMilliseconds(20),
            StatePollInterval = TimeSpan.FromMilliseconds(20),
        }),
        TimeProvider.System,
        NullLogger<EventFeedRelay>.Instance);

    private static TaskRecord Task(string id, TaskState state) => new()
    {
        Id = id,
        Type = "x",
        Queue = "default",
        Payload = "{}",
        State = state,
        Attempt = 1,
        MaxAttempts = 1,
        CreatedAt = At,
    };

    private static Task WaitUntilAsync(Func<bool> condition) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(10), "the relay to deliver");
}
