using System.Text.Json;
using Vigil.Cli.Tests.Support;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil enqueue</c> options, read back with <c>vigil tasks show --json</c> from the same SQLite file.</summary>
public sealed class EnqueueCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Storage => "sqlite:" + _temp.File("vigil.db");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Enqueue_SameIdempotencyKeyTwice_ReturnsTheFirstId()
    {
        var first = await Run("enqueue", "demo.noop", "{}", "--key", "order-42");
        var second = await Run("enqueue", "demo.noop", "{\"other\":true}", "--key", "order-42", "--json");

        Assert.Equal(first.StandardOutput.Trim(), JsonDocument.Parse(second.StandardOutput).RootElement.GetProperty("id").GetString());
        var list = JsonDocument.Parse((await Run("tasks", "list", "--json")).StandardOutput).RootElement;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Enqueue_DelayAndOptions_AreStored()
    {
        // Act
        var before = DateTimeOffset.UtcNow;
        var id = (await Run("enqueue", "demo.sleep", "{\"ms\":1}", "--queue", "later", "--delay", "1h30m", "--max-attempts", "7", "--timeout", "45s"))
            .StandardOutput.Trim();

        // Assert
        var task = JsonDocument.Parse((await Run("tasks", "show", id, "--json")).StandardOutput).RootElement;
        Assert.Equal("scheduled", task.GetProperty("state").GetString());
        Assert.Equal("later", task.GetProperty("queue").GetString());
        Assert.Equal(7, task.GetProperty("maxAttempts").GetInt32());
        Assert.Equal("00:00:45", task.GetProperty("timeout").GetString());
        var due = task.GetProperty("dueAt").GetDateTimeOffset();
        Assert.InRange(due, before + TimeSpan.FromMinutes(89), before + TimeSpan.FromMinutes(92));
    }

    [Fact]
    public async Task Enqueue_At_SchedulesAtThatTime()
    {
        var id = (await Run("enqueue", "demo.noop", "{}", "--at", "2099-01-02T03:04:05Z")).StandardOutput.Trim();

        var task = JsonDocument.Parse((await Run("tasks", "show", id, "--json")).StandardOutput).RootElement;
        Assert.Equal("scheduled", task.GetProperty("state").GetString());
        Assert.Equal(new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero), task.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Enqueue_Count_StoresThatManyAndListPages()
    {
        var enqueue = await Run("enqueue", "demo.noop", "{}", "--queue", "many", "--count", "2500");
        Assert.Equal(2500, enqueue.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());

        var page = JsonDocument.Parse((await Run("tasks", "list", "--queue", "many", "--state", "queued", "--limit", "10", "--offset", "2490", "--json")).StandardOutput).RootElement;
        Assert.Equal(2500, page.GetProperty("total").GetInt32());
        Assert.Equal(10, page.GetProperty("tasks").GetArrayLength());

        var queues = JsonDocument.Parse((await Run("queues", "--json")).StandardOutput).RootElement;
        var many = queues.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "many");
        Assert.Equal(2500, many.GetProperty("ready").GetInt32());
    }

    private async Task<CliResult> Run(params string[] args)
    {
        var result = await VigilCli.RunAsync([.. args, "--storage", Storage]);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)}: {result}");
        return result;
    }
}
