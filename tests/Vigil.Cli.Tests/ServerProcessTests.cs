using System.Net;
using System.Text.Json;
using Vigil.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil server</c> as a real process, driven by the CLI's other commands against the same SQLite file.</summary>
public sealed class ServerProcessTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ChildProcess? _server;
    private string _url = string.Empty;

    public ServerProcessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private string Storage => "sqlite:" + _temp.File("server.db");

    public async Task InitializeAsync()
    {
        _url = $"http://127.0.0.1:{FreePort.Next()}";
        _server = VigilCli.Start(
            ["server", "--urls", _url, "--storage", Storage, "--queues", "default,admin"],
            new Dictionary<string, string?> { ["Vigil__PollInterval"] = "00:00:00.200" });

        await Poll.UntilAsync(
            async () =>
            {
                Assert.False(_server.HasExited, $"vigil server exited early:\n{_server.StandardOutput}\n{_server.StandardError}");
                try
                {
                    return (await _http.GetAsync(_url + "/vigil/")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            $"vigil server to answer on {_url}/vigil/");
    }

    public Task DisposeAsync()
    {
        if (_server is not null)
        {
            _output.WriteLine("--- server stdout:\n" + _server.StandardOutput + "\n--- server stderr:\n" + _server.StandardError);
            _server.Dispose();
        }

        _http.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Queues_WorkerPrivateQueues_HiddenUnlessAll()
    {
        // Arrange: the sentinel's worker probe creates the embedded worker's private queue.
        static string[] Names(CliResult result) =>
            [.. JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray().Select(q => q.GetProperty("name").GetString()!)];

        var all = await Poll.UntilAsync(
            async () => Names(await Cli("queues", "--all", "--json")),
            names => names.Any(n => n.StartsWith("_worker.", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            "the worker's private queue to appear");

        // Act
        var shown = Names(await Cli("queues", "--json"));

        // Assert
        Assert.Contains("default", all);
        Assert.Contains("default", shown);
        Assert.DoesNotContain(shown, n => n.StartsWith("_worker.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_EnqueueFromCli_TaskSucceedsWithResult()
    {
        // Arrange: the root redirects to the dashboard, which the server mounts.
        using var root = await _http.GetAsync(_url + "/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.EndsWith("/vigil/", root.RequestMessage!.RequestUri!.AbsolutePath);

        // Act
        var enqueue = await Cli("enqueue", "demo.echo", "{\"hello\":\"world\"}");
        var id = enqueue.StandardOutput.Trim();

        // Assert: the embedded worker ran it; `tasks show --json` proves it from another process.
        var shown = await Poll.UntilAsync(
            async () => JsonDocument.Parse((await Cli("tasks", "show", id, "--json")).StandardOutput).RootElement.Clone(),
            task => task.GetProperty("state").GetString() == "succeeded",
            TimeSpan.FromSeconds(60),
            $"task {id} to succeed");
        Assert.Equal("demo.echo", shown.GetProperty("type").GetString());
        Assert.Equal("world", JsonDocument.Parse(shown.GetProperty("result").GetString()!).RootElement.GetProperty("hello").GetString());

        var table = await Cli("tasks", "show", id);
        Assert.Contains("succeeded", table.StandardOutput);
        Assert.Contains("demo.echo", table.StandardOutput);

        var list = JsonDocument.Parse((await Cli("tasks", "list", "--state", "succeeded", "--json")).StandardOutput).RootElement;
        Assert.Contains(list.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("id").GetString() == id);

        var queues = await Cli("queues");
        Assert.Contains("default", queues.StandardOutput);

        // The dashboard's JSON API, served by the same process, sees the same task.
        using var apiTask = await _http.GetAsync($"{_url}/vigil/api/tasks/{id}");
        Assert.Equal(HttpStatusCode.OK, apiTask.StatusCode);
    }

    [Fact]
    public async Task Server_DeadTask_RetryCancelDeleteFromCli()
    {
        // A task that always fails, with one attempt: dead at once, with its error recorded.
        var dead = (await Cli("enqueue", "demo.fail", "{\"message\":\"kaboom\"}", "--queue", "admin", "--max-attempts", "1")).StandardOutput.Trim();
        await WaitForStateAsync(dead, "dead");
        var shown = await Cli("tasks", "show", dead);
        Assert.Contains("kaboom", shown.StandardOutput);
        Assert.Contains("DemoFailureException", shown.StandardOutput);

        // retry: queued again; it fails again and is dead with 2 attempts in its timeline.
        var retry = await Cli("tasks", "retry", dead);
        Assert.Contains($"Task {dead} is queued again.", retry.StandardOutput);
        var again = await Poll.UntilAsync(
            async () => JsonDocument.Parse((await Cli("tasks", "show", dead, "--json")).StandardOutput).RootElement.Clone(),
            t => t.GetProperty("state").GetString() == "dead" && t.GetProperty("timeline").GetArrayLength() == 2,
            TimeSpan.FromSeconds(60),
            "the retried task to be dead again");
        Assert.Equal("kaboom", again.GetProperty("lastError").GetProperty("message").GetString());

        // Retrying a task that is not dead is refused (exit 1), with its state named.
        var scheduled = (await Cli("enqueue", "demo.noop", "{}", "--queue", "admin", "--delay", "1h")).StandardOutput.Trim();
        var refused = await VigilCli.RunAsync(["tasks", "retry", scheduled, "--storage", Storage]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"Task {scheduled} is scheduled: only dead or cancelled tasks can be retried.", refused.StandardError);

        // cancel a scheduled task, then delete both.
        var cancel = await Cli("tasks", "cancel", scheduled, "--json");
        Assert.Equal("cancelled", JsonDocument.Parse(cancel.StandardOutput).RootElement.GetProperty("outcome").GetString());
        await WaitForStateAsync(scheduled, "cancelled");

        Assert.Contains("deleted", (await Cli("tasks", "delete", dead)).StandardOutput);
        Assert.Contains("deleted", (await Cli("tasks", "delete", scheduled)).StandardOutput);
        var gone = await VigilCli.RunAsync(["tasks", "show", dead, "--storage", Storage]);
        Assert.Equal(2, gone.ExitCode);
    }

    [Fact]
    public async Task Server_UnknownTaskTypeAndProgress_DeadWithReasonAndProgressResult()
    {
        // No handler for this type anywhere: dead at once with the reason, not retried forever.
        var orphan = (await Cli("enqueue", "nobody.handles.this", "{}")).StandardOutput.Trim();
        var misfit = (await Cli("enqueue", "demo.sleep", "{\"ms\":\"soon\"}")).StandardOutput.Trim();
        var progress = (await Cli("enqueue", "demo.progress", "{\"steps\":3,\"ms\":50}")).StandardOutput.Trim();

        // A payload that does not fit the handler's type: dead at once, the error naming where it does not fit.
        await WaitForStateAsync(misfit, "dead");
        var bad = JsonDocument.Parse((await Cli("tasks", "show", misfit, "--json")).StandardOutput).RootElement;
        Assert.Equal(1, bad.GetProperty("attempt").GetInt32());
        Assert.Contains("ms", bad.GetProperty("lastError").GetProperty("message").GetString());

        await WaitForStateAsync(orphan, "dead");
        var dead = JsonDocument.Parse((await Cli("tasks", "show", orphan, "--json")).StandardOutput).RootElement;
        Assert.Equal(1, dead.GetProperty("attempt").GetInt32());
        Assert.Contains("nobody.handles.this", dead.GetProperty("lastError").GetProperty("message").GetString());

        // The worker kept serving: the next task ran, reporting progress, with its result stored.
        await WaitForStateAsync(progress, "succeeded");
        var done = JsonDocument.Parse((await Cli("tasks", "show", progress, "--json")).StandardOutput).RootElement;
        Assert.Equal(3, JsonDocument.Parse(done.GetProperty("result").GetString()!).RootElement.GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task Server_DemoHandlers_TimeoutAllocateAndObservabilityEndpoints()
    {
        // demo.sleep honours its cancellation: a 30 s sleep with a 500 ms timeout and one attempt is dead as timed out.
        var slow = (await Cli("enqueue", "demo.sleep", "{\"ms\":30000}", "--timeout", "500ms", "--max-attempts", "1")).StandardOutput.Trim();
        var allocate = (await Cli("enqueue", "demo.allocate", "{\"mb\":32,\"holdMs\":100}")).StandardOutput.Trim();

        await WaitForStateAsync(slow, "dead");
        var dead = JsonDocument.Parse((await Cli("tasks", "show", slow, "--json")).StandardOutput).RootElement;
        Assert.Equal("Vigil.Timeout", dead.GetProperty("lastError").GetProperty("type").GetString());
        var took = dead.GetProperty("timeline")[0].GetProperty("endedAt").GetDateTimeOffset() - dead.GetProperty("timeline")[0].GetProperty("startedAt").GetDateTimeOffset();
        Assert.True(took < TimeSpan.FromSeconds(10), $"the sleep was not cancelled: it took {took}");

        await WaitForStateAsync(allocate, "succeeded");
        var allocated = JsonDocument.Parse((await Cli("tasks", "show", allocate, "--json")).StandardOutput).RootElement;
        Assert.Equal(32, JsonDocument.Parse(allocated.GetProperty("result").GetString()!).RootElement.GetProperty("mb").GetInt32());

        // The server mounts health and metrics next to the dashboard.
        using var live = await _http.GetAsync(_url + "/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var metrics = await _http.GetAsync(_url + "/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    private async Task WaitForStateAsync(string id, string state) =>
        await Poll.UntilAsync(
            async () => JsonDocument.Parse((await Cli("tasks", "show", id, "--json")).StandardOutput).RootElement.GetProperty("state").GetString(),
            s => s == state,
            TimeSpan.FromSeconds(60),
            $"task {id} to be {state}");

    private async Task<CliResult> Cli(params string[] args)
    {
        var result = await VigilCli.RunAsync([.. args, "--storage", Storage]);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)}: {result}");
        return result;
    }
}
