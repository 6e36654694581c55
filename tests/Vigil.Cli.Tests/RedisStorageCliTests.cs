using System.Text.Json;
using Vigil.Cli.Tests.Support;
using RedisServer = Vigil.Testing.RedisServer;

namespace Vigil.Cli.Tests;

/// <summary>The CLI on the Redis engine: <c>--storage redis://...</c> against a real redis-server on a free loopback port.</summary>
public sealed class RedisStorageCliTests : IClassFixture<RedisServer>, IDisposable
{
    private readonly RedisServer _redis;
    private readonly List<ChildProcess> _processes = [];

    public RedisStorageCliTests(RedisServer redis)
    {
        _redis = redis;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    [Fact]
    public async Task WorkerAndEnqueue_RedisUrl_TaskSucceeds()
    {
        // Arrange: a worker on a queue of this test's own.
        var queue = "cli-" + Guid.NewGuid().ToString("n")[..8];
        var worker = VigilCli.Start(["worker", "--storage", _redis.Url, "--queues", queue, "--concurrency", "2"]);
        _processes.Add(worker);

        // Act
        var enqueue = await VigilCli.RunAsync(["enqueue", "demo.echo", "{\"via\":\"redis\"}", "--queue", queue, "--storage", _redis.Url]);
        Assert.True(enqueue.ExitCode == 0, enqueue.ToString());
        var id = enqueue.StandardOutput.Trim();

        // Assert
        var task = await Poll.UntilAsync(
            async () =>
            {
                Assert.False(worker.HasExited, "the worker exited:\n" + worker.StandardError + worker.StandardOutput);
                var shown = await VigilCli.RunAsync(["tasks", "show", id, "--json", "--storage", _redis.Url]);
                return shown.ExitCode == 0 ? JsonDocument.Parse(shown.StandardOutput).RootElement.Clone() : default;
            },
            t => t.ValueKind == JsonValueKind.Object && t.GetProperty("state").GetString() == "succeeded",
            TimeSpan.FromSeconds(60),
            $"task {id} to succeed on Redis");
        Assert.Equal("redis", JsonDocument.Parse(task.GetProperty("result").GetString()!).RootElement.GetProperty("via").GetString());

        var queues = await VigilCli.RunAsync(["queues", "--json", "--storage", _redis.Url]);
        Assert.Contains($"\"name\": \"{queue}\"", queues.StandardOutput);

        worker.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task AnyCommand_RedisUnreachable_Exits1WithoutStackTrace()
    {
        var port = FreePort.Next();
        var result = await VigilCli.RunAsync(["queues", "--storage", $"redis://127.0.0.1:{port}"], timeout: TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"127.0.0.1:{port}", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
