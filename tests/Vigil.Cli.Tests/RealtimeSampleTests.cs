using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Vigil.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary>
/// The real-time sample as a user runs it: a real process on a free loopback port with its own SQLite file; a report is
/// requested over HTTP and followed over the Vigil SignalR hub until its result arrives.
/// </summary>
public sealed class RealtimeSampleTests : IAsyncLifetime
{
    private static readonly string SamplePath = typeof(RealtimeSampleTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RealtimeSamplePath").Value!;

    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ChildProcess? _app;
    private string _url = string.Empty;

    public RealtimeSampleTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(SamplePath), $"The sample is not built at {SamplePath}.");
        _url = $"http://127.0.0.1:{FreePort.Next()}";
        _app = ChildProcess.Start(
            "dotnet",
            [SamplePath],
            new Dictionary<string, string?>
            {
                ["Urls"] = _url,
                ["Sample__Database"] = _temp.File("sample.db"),
                ["Reports__SectionTime"] = "00:00:00.300",
            },
            // The project folder is the content root, as with `dotnet run`: wwwroot is served from there.
            workingDirectory: Path.GetFullPath(Path.Combine(Path.GetDirectoryName(SamplePath)!, "..", "..", "..")));

        await Poll.UntilAsync(
            async () =>
            {
                Assert.False(_app.HasExited, "The sample exited early:\n" + _app.Output);
                try
                {
                    return (await _http.GetAsync(_url + "/")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            "the sample to answer");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _output.WriteLine(_app.Output);
        }

        _http.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Report_RequestedOverHttp_ProgressAndResultArriveOverSignalR()
    {
        // Arrange: the page, and a hub connection like the page's.
        var page = await _http.GetStringAsync(_url + "/");
        Assert.Contains("Reports, generated in the background", page);

        await using var hub = new HubConnectionBuilder().WithUrl(_url + "/hub").Build();
        var progress = new List<double?>();
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("taskProgress", p =>
        {
            lock (progress)
            {
                progress.Add(p.GetProperty("percent").ValueKind == JsonValueKind.Number ? p.GetProperty("percent").GetDouble() : null);
            }
        });
        hub.On<JsonElement>("taskState", s =>
        {
            if (s.GetProperty("terminal").GetBoolean())
            {
                done.TrySetResult(s);
            }
        });
        await hub.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Act: ask for a report of 8 sections (about 2.4 s of work), then follow it.
        using var response = await _http.PostAsJsonAsync(_url + "/reports", new { title = "Quarterly", sections = 8 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var taskId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("taskId").GetString()!;
        var current = await hub.InvokeAsync<JsonElement>("SubscribeTask", taskId).WaitAsync(TimeSpan.FromSeconds(10));
        if (current.GetProperty("terminal").GetBoolean())
        {
            done.TrySetResult(current);
        }

        var final = await done.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert: progress arrived live while it ran, then the result with the state.
        Assert.Equal("succeeded", final.GetProperty("state").GetString());
        var result = final.GetProperty("result");
        Assert.Equal("Quarterly", result.GetProperty("title").GetString());
        Assert.Equal(24, result.GetProperty("pages").GetInt32());
        lock (progress)
        {
            _output.WriteLine("progress seen: " + string.Join(", ", progress));
            Assert.NotEmpty(progress);
            Assert.All(progress, p => Assert.InRange(p ?? 0, 0, 100));
        }

        // Bad input is refused at the door, naming the field.
        using var bad = await _http.PostAsJsonAsync(_url + "/reports", new { title = "", sections = 99 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Give 1 to 50 sections.", await bad.Content.ReadAsStringAsync());
    }
}
