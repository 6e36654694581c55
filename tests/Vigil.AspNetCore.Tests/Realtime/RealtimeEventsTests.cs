using System.Text.Json;
using Vigil.AspNetCore.Realtime;
using Vigil.Realtime;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Realtime;

public sealed class RealtimeEventsTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ToProgress_CoreShape_ReadsPercentAndMessage()
    {
        var e = new VigilEvent { Kind = "task.progress", TaskId = "t", Data = "{\"percent\":40.5,\"message\":\"copying\"}", At = At };

        var message = RealtimeEvents.ToProgress(e);

        Assert.Equal(new TaskProgressMessage("t", 40.5, "copying", At), message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("{\"percent\":\"many\"}")]
    public void ToProgress_MissingOrOddData_GivesUnknownPercent(string? data)
    {
        var e = new VigilEvent { Kind = "task.progress", TaskId = "t", Data = data, At = At };

        var message = RealtimeEvents.ToProgress(e);

        Assert.Null(message.Percent);
        Assert.Null(message.Message);
    }

    [Fact]
    public void ToGroupMessage_CoreShape_ReadsMethodAndData()
    {
        var e = new VigilEvent { Kind = "group.message", Group = "g", Data = "{\"method\":\"chat\",\"data\":{\"text\":\"hi\"}}", At = At };

        var (method, data) = RealtimeEvents.ToGroupMessage(e);

        Assert.Equal("chat", method);
        Assert.Equal("hi", data!.Value.GetProperty("text").GetString());
    }

    [Fact]
    public void ToGroupMessage_WithoutMethod_UsesDefaultMethodAndWholeData()
    {
        var e = new VigilEvent { Kind = "group.message", Group = "g", Data = "{\"text\":\"hi\"}", At = At };

        var (method, data) = RealtimeEvents.ToGroupMessage(e);

        Assert.Equal(RealtimeEvents.DefaultGroupMethod, method);
        Assert.Equal("hi", data!.Value.GetProperty("text").GetString());
    }

    [Fact]
    public void ToStateMessage_Succeeded_CarriesResultNotStaleError()
    {
        var task = Task(TaskState.Succeeded) with { Result = "{\"n\":1}", LastError = new TaskError("X", "old failure") };

        var message = RealtimeEvents.ToStateMessage(task, At);

        Assert.Equal("succeeded", message.State);
        Assert.True(message.Terminal);
        Assert.Equal(1, message.Result!.Value.GetProperty("n").GetInt32());
        Assert.Null(message.Error);
    }

    [Fact]
    public void ToStateMessage_Retrying_CarriesErrorAndIsNotTerminal()
    {
        var task = Task(TaskState.Retrying) with { LastError = new TaskError("System.TimeoutException", "slow") };

        var message = RealtimeEvents.ToStateMessage(task, At);

        Assert.False(message.Terminal);
        Assert.Equal("slow", message.Error);
        Assert.Equal("System.TimeoutException", message.ErrorType);
        Assert.Null(message.Result);
    }

    private static TaskRecord Task(TaskState state) => new()
    {
        Id = "t",
        Type = "x",
        Queue = "default",
        Payload = "{}",
        State = state,
        Attempt = 1,
        MaxAttempts = 3,
        CreatedAt = At,
    };
}
