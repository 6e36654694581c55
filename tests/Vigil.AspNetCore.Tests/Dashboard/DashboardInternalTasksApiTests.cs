using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>
/// The dashboard API leaves the sentinel's probe tasks (<c>vigil.probe</c>) out of task lists and statistics unless asked
/// (<c>internal=true</c>), with pages and totals that stay right around them; and it serves per-queue statistics.
/// </summary>
public sealed class DashboardInternalTasksApiTests(VigilWebHost host) : IClassFixture<VigilWebHost>
{
    [Fact]
    public async Task ListTasks_ProbeTasksBetweenOthers_HiddenByDefaultWithPagesAndTotalsRight()
    {
        // Arrange: a queue no worker consumes, so the tasks stay; probe tasks interleaved (newest first: u3 p2 u2 p1 u1).
        using var http = host.CreateHttpClient();
        var queue = "internal-" + Guid.NewGuid().ToString("N")[..8];
        var user = new List<string>();
        var probes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            user.Add(await host.Client.EnqueueJsonAsync(VigilWebHost.EchoType, "{}", new EnqueueOptions { Queue = queue }));
            if (i < 2)
            {
                probes.Add(await host.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}", new EnqueueOptions { Queue = queue }));
            }
        }

        // Act
        var visible = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks?queue={queue}");
        var all = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks?queue={queue}&internal=true");
        var secondPage = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks?queue={queue}&limit=2&offset=2");
        var probesOnly = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/tasks?queue={queue}&type={TaskNames.ProbeTaskType}");

        // Assert
        Assert.Equal(3, visible.GetProperty("total").GetInt64());
        Assert.Equal([user[2], user[1], user[0]], Ids(visible));
        Assert.Equal(5, all.GetProperty("total").GetInt64());
        Assert.Equal([user[2], probes[1], user[1], probes[0], user[0]], Ids(all));
        Assert.Equal([user[0]], Ids(secondPage));
        Assert.Equal(3, secondPage.GetProperty("total").GetInt64());
        Assert.Equal([probes[1], probes[0]], Ids(probesOnly));
    }

    [Fact]
    public async Task Statistics_ProbeTasksEnqueued_LeftOutUnlessInternal()
    {
        // Arrange
        using var http = host.CreateHttpClient();
        var queue = "stats-" + Guid.NewGuid().ToString("N")[..8];
        await host.Client.EnqueueJsonAsync(VigilWebHost.EchoType, "{}", new EnqueueOptions { Queue = queue });
        await host.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}", new EnqueueOptions { Queue = queue });

        // Act
        var visible = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/stats?minutes=5&queue={queue}");
        var all = await http.GetFromJsonAsync<JsonElement>($"/vigil/api/stats?minutes=5&queue={queue}&internal=true");
        var perQueue = await http.GetFromJsonAsync<JsonElement>("/vigil/api/stats/queues?minutes=5");

        // Assert
        Assert.Equal(1, visible.GetProperty("totals").GetProperty("enqueued").GetInt64());
        Assert.False(visible.GetProperty("includesInternal").GetBoolean());
        Assert.Equal(2, all.GetProperty("totals").GetProperty("enqueued").GetInt64());
        var entry = perQueue.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == queue);
        Assert.Equal(1, entry.GetProperty("totals").GetProperty("enqueued").GetInt64());
        Assert.Equal(5, entry.GetProperty("series").GetArrayLength());
        Assert.Equal(1, entry.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("enqueued").GetInt64()));
    }

    [Fact]
    public async Task QueueStatistics_FinishedTasks_CountedPerQueueWithTimes()
    {
        // Arrange: two successes and one dead letter in a queue the worker consumes.
        using var http = host.CreateHttpClient();
        var ids = new[]
        {
            await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "a"), new EnqueueOptions { Queue = VigilWebHost.ChartsQueue }),
            await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "b"), new EnqueueOptions { Queue = VigilWebHost.ChartsQueue }),
            await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "c"), new EnqueueOptions { Queue = VigilWebHost.ChartsQueue, MaxAttempts = 1 }),
        };
        foreach (var id in ids)
        {
            await host.WaitForTaskAsync(id, t => t.State.IsTerminal());
        }

        // Act
        var perQueue = await http.GetFromJsonAsync<JsonElement>("/vigil/api/stats/queues?minutes=10");

        // Assert
        var totals = perQueue.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == VigilWebHost.ChartsQueue).GetProperty("totals");
        Assert.True(totals.GetProperty("succeeded").GetInt64() >= 2);
        Assert.True(totals.GetProperty("dead").GetInt64() >= 1);
        Assert.True(totals.GetProperty("runCount").GetInt64() >= 3);
        Assert.True(totals.GetProperty("avgRunMs").GetDouble() >= 0);
        Assert.True(totals.GetProperty("avgWaitMs").GetDouble() >= 0);
    }

    [Theory]
    [InlineData("/vigil/api/tasks?internal=maybe", "Query parameter 'internal' is 'maybe': use true or false")]
    [InlineData("/vigil/api/stats/queues?minutes=0", "Query parameter 'minutes' is '0'")]
    public async Task Get_BadInput_Returns400NamingTheProblem(string url, string expected)
    {
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Config_ListsTheHandlerTypesAndDefaultsForTheEnqueueForm()
    {
        using var http = host.CreateHttpClient();

        var config = await http.GetFromJsonAsync<JsonElement>("/vigil/api/config");

        var types = config.GetProperty("taskTypes").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains(VigilWebHost.EchoType, types);
        Assert.DoesNotContain(TaskNames.ProbeTaskType, types);
        Assert.Equal("default", config.GetProperty("defaultQueue").GetString());
        Assert.Equal(5, config.GetProperty("defaultMaxAttempts").GetInt32());
        Assert.Equal(600, config.GetProperty("defaultTimeoutSeconds").GetDouble());
    }

    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
}
