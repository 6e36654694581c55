using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.AspNetCore.Realtime;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;
using Xunit.Abstractions;

namespace Vigil.AspNetCore.Tests.Realtime;

/// <summary>The SignalR hub against a real Kestrel host: progress, results and group messages reach a .NET SignalR client.</summary>
public sealed class VigilHubTests(VigilWebHost host, ITestOutputHelper output) : IClassFixture<VigilWebHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SubscribeTask_HandlerReportsProgress_ReceivesProgressThenSucceededStateWithResult()
    {
        // Arrange: the handler waits on a gate until the client has subscribed.
        await using var connection = await ConnectAsync();
        var progress = Channel.CreateUnbounded<TaskProgressMessage>();
        var states = Channel.CreateUnbounded<TaskStateMessage>();
        connection.On<TaskProgressMessage>(VigilHubMethods.TaskProgress, m => progress.Writer.TryWrite(m));
        connection.On<TaskStateMessage>(VigilHubMethods.TaskState, m => states.Writer.TryWrite(m));
        var gate = Guid.NewGuid().ToString("N");
        var id = await host.EnqueueAsync(VigilWebHost.ProgressType, new TestPayload(Gate: gate, Text: "done!"));

        // Act
        var initial = await connection.InvokeAsync<TaskStateMessage>("SubscribeTask", id).WaitAsync(Wait);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        host.Gates.Release(gate);
        var reported = await progress.Reader.ReadAsync().AsTask().WaitAsync(Wait);
        var progressLatency = clock.Elapsed;
        clock.Restart();
        host.Gates.Release(gate + ":finish");
        var final = await ReadUntilAsync(states.Reader, m => m.Terminal);
        output.WriteLine($"handler progress -> client: {progressLatency.TotalMilliseconds:F0} ms; handler return -> client taskState: {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Assert
        Assert.Equal(id, initial.TaskId);
        Assert.Contains(initial.State, new[] { "queued", "running" });
        Assert.Equal(id, reported.TaskId);
        Assert.Equal(50, reported.Percent);
        Assert.Equal("half way", reported.Message);
        Assert.Equal("succeeded", final.State);
        Assert.Equal("done!", final.Result!.Value.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task SubscribeTask_TaskThatDies_ReceivesDeadStateWithError()
    {
        await using var connection = await ConnectAsync();
        var states = Channel.CreateUnbounded<TaskStateMessage>();
        connection.On<TaskStateMessage>(VigilHubMethods.TaskState, m => states.Writer.TryWrite(m));
        var id = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "hub"), new EnqueueOptions { MaxAttempts = 1, Delay = TimeSpan.FromMilliseconds(300) });

        var initial = await connection.InvokeAsync<TaskStateMessage>("SubscribeTask", id).WaitAsync(Wait);
        var final = initial.Terminal ? initial : await ReadUntilAsync(states.Reader, m => m.Terminal);

        Assert.Equal("dead", final.State);
        Assert.Equal("boom: hub", final.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, final.ErrorType);
    }

    [Fact]
    public async Task SubscribeTask_UnknownOrInvalidId_ThrowsHubExceptionNamingTheProblem()
    {
        await using var connection = await ConnectAsync();

        var unknown = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<TaskStateMessage>("SubscribeTask", new string('b', 32)));
        var invalid = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<TaskStateMessage>("SubscribeTask", "nope"));

        Assert.Contains("does not exist", unknown.Message);
        Assert.Contains("Task id 'nope' is invalid", invalid.Message);
    }

    [Fact]
    public async Task JoinGroup_HandlerSendsToGroup_ReceivesTheMessage()
    {
        // Arrange
        await using var connection = await ConnectAsync();
        var messages = Channel.CreateUnbounded<JsonElement>();
        connection.On<JsonElement>("chat", m => messages.Writer.TryWrite(m));
        var room = "room-" + Guid.NewGuid().ToString("N");
        await connection.InvokeAsync("JoinGroup", room).WaitAsync(Wait);

        // Act
        var id = await host.EnqueueAsync(VigilWebHost.ProgressType, new TestPayload(Text: "hello room", Group: room));
        var message = await messages.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        // Assert
        Assert.Equal("hello room", message.GetProperty("text").GetString());
        await host.WaitForStateAsync(id, TaskState.Succeeded);
    }

    [Fact]
    public async Task JoinGroup_ReservedOrEmptyName_ThrowsHubException()
    {
        await using var connection = await ConnectAsync();

        var reserved = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("JoinGroup", "vigil:system"));
        var empty = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("JoinGroup", string.Empty));

        Assert.Contains("reserved", reserved.Message);
        Assert.Contains("Group name is invalid", empty.Message);
    }

    [Fact]
    public async Task DashboardHub_OpenConnection_ReceivesOverviewPushes()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(host.BaseAddress, "/vigil/api/hub")).Build();
        var overviews = Channel.CreateUnbounded<JsonElement>();
        connection.On<JsonElement>("overview", m => overviews.Writer.TryWrite(m));
        await connection.StartAsync().WaitAsync(Wait);

        var first = await overviews.Reader.ReadAsync().AsTask().WaitAsync(Wait);

        Assert.Equal("sqlite", first.GetProperty("storage").GetProperty("engine").GetString());
        Assert.Equal(JsonValueKind.Array, first.GetProperty("queues").ValueKind);
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(host.BaseAddress, "/vigil/hub")).Build();
        await connection.StartAsync().WaitAsync(Wait);
        return connection;
    }

    private static async Task<T> ReadUntilAsync<T>(ChannelReader<T> reader, Func<T, bool> until)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var item = await reader.ReadAsync(timeout.Token);
            if (until(item))
            {
                return item;
            }
        }
    }
}
