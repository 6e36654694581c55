using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>
/// A real headless Chromium on the dashboard: per-queue charts drawn from the real statistics, the enqueue form's every
/// per-task option, and handler progress arriving live in the task list and the task page.
/// </summary>
public sealed class DashboardFeaturesBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const float Timeout = 15_000;

    [Fact]
    public async Task QueuesPage_FinishedTasks_ChartsDrawTheStatisticsOfEachMinute()
    {
        // Arrange: outcomes in the queue only this test uses: 4 successes, 2 dead letters (one attempt each).
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "ok " + i), new EnqueueOptions { Queue = VigilWebHost.ChartsQueue }));
        }

        for (var i = 0; i < 2; i++)
        {
            ids.Add(await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "no " + i), new EnqueueOptions { Queue = VigilWebHost.ChartsQueue, MaxAttempts = 1 }));
        }

        foreach (var id in ids)
        {
            await host.WaitForTaskAsync(id, t => t.State.IsTerminal());
        }

        // Act
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/queues"));
        var chart = page.Locator($"[data-queue-chart='{VigilWebHost.ChartsQueue}']");
        await Assertions.Expect(chart.Locator(".chart-outcomes svg rect[data-key='dead']").First).ToBeAttachedAsync(new() { Timeout = Timeout });
        using var http = host.CreateHttpClient();
        var stats = (await http.GetFromJsonAsync<JsonElement>("/vigil/api/stats/queues?minutes=60")).GetProperty("queues").EnumerateArray()
            .Single(q => q.GetProperty("queue").GetString() == VigilWebHost.ChartsQueue);
        await page.ScreenshotAsync(new() { Path = "/tmp/vigil-dashboard-queues.png", FullPage = true });

        // Assert: every bar is one minute's count of the statistics, and they add up to exactly what ran.
        var drawn = await BarsAsync(chart);
        var expected = new List<(string Minute, string Key, long Value)>();
        foreach (var point in stats.GetProperty("series").EnumerateArray())
        {
            foreach (var key in new[] { "succeeded", "failed", "dead" })
            {
                if (point.GetProperty(key).GetInt64() is var value and > 0)
                {
                    expected.Add((Minute(point.GetProperty("minute").GetString()!), key, value));
                }
            }
        }

        Assert.Equal(expected.OrderBy(e => e.Minute).ThenBy(e => e.Key), drawn.OrderBy(e => e.Minute).ThenBy(e => e.Key));
        Assert.Equal(4, drawn.Where(d => d.Key == "succeeded").Sum(d => d.Value));
        Assert.Equal(2, drawn.Where(d => d.Key == "dead").Sum(d => d.Value));
        Assert.Equal(2, drawn.Where(d => d.Key == "failed").Sum(d => d.Value));

        // Assert: the run-time line has a dot for each minute with runs, at the average the statistics give.
        var runDots = await chart.Locator(".chart-times svg circle[data-key='avgRunMs']").EvaluateAllAsync<double[]>(
            "els => els.map(e => Number(e.getAttribute('data-value')))");
        var runAverages = stats.GetProperty("series").EnumerateArray()
            .Where(p => p.GetProperty("avgRunMs").ValueKind == JsonValueKind.Number)
            .Select(p => p.GetProperty("avgRunMs").GetDouble())
            .ToArray();
        Assert.NotEmpty(runAverages);
        Assert.Equal(runAverages, runDots);
        await Assertions.Expect(chart.Locator(".queue-chart-totals")).ToContainTextAsync("4 succeeded · 2 failed · 2 dead");
    }

    [Fact]
    public async Task EnqueueForm_EveryOption_StoredOnTheTask()
    {
        // Arrange: a queue no worker consumes, so the task waits to be read back.
        var queue = "form-" + Guid.NewGuid().ToString("N")[..8];
        var key = "invoice-" + Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/tasks"));
        await page.ClickAsync("text=New task");

        // Act
        await page.FillAsync("#e-type", VigilWebHost.EchoType);
        await page.FillAsync("#e-queue", queue);
        await page.FillAsync("#e-attempts", "7");
        await page.FillAsync("#e-timeout", "45");
        await page.FillAsync("#e-delay", "3600");
        await page.FillAsync("#e-key", key);
        await page.FillAsync("#e-payload", """{"text":"from the form"}""");
        var before = DateTimeOffset.UtcNow;
        await page.ClickAsync("#e-submit");

        // Assert
        await Assertions.Expect(page.Locator("#enqueue-form")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        var task = await Poll.UntilAsync(
            async () => (await host.Client.ListTasksAsync(new Storage.TaskQuery { Queue = queue })).Tasks.SingleOrDefault(),
            t => t is not null, TimeSpan.FromSeconds(10), "the task from the form");
        Assert.Equal(VigilWebHost.EchoType, task!.Type);
        Assert.Equal(TaskState.Scheduled, task.State);
        Assert.Equal(7, task.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(45), task.Timeout);
        Assert.Equal(key, task.IdempotencyKey);
        Assert.Contains("from the form", task.Payload, StringComparison.Ordinal);
        Assert.InRange(task.DueAt!.Value, before.AddSeconds(3600 - 5), DateTimeOffset.UtcNow.AddSeconds(3600 + 5));
        await host.Client.DeleteAsync(task.Id);
    }

    [Fact]
    public async Task EnqueueForm_RunAt_SchedulesForThatTimeAndSameKeyGivesTheSameTask()
    {
        // Arrange: the browser's time zone is UTC (see BrowserHost), so the local time typed is that UTC time.
        var queue = "form-" + Guid.NewGuid().ToString("N")[..8];
        var key = "once-" + Guid.NewGuid().ToString("N")[..8];
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/tasks"));

        // Act: the same key twice.
        for (var i = 0; i < 2; i++)
        {
            await page.ClickAsync("text=New task");
            await page.FillAsync("#e-type", VigilWebHost.EchoType);
            await page.FillAsync("#e-queue", queue);
            await page.FillAsync("#e-at", "2030-01-31T12:30:15");
            await page.FillAsync("#e-key", key);
            await page.ClickAsync("#e-submit");
            await Assertions.Expect(page.Locator("#enqueue-form")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        }

        // Assert
        var page1 = await host.Client.ListTasksAsync(new Storage.TaskQuery { Queue = queue });
        var task = Assert.Single(page1.Tasks);
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 12, 30, 15, TimeSpan.Zero), task.DueAt);
        Assert.Equal(TaskState.Scheduled, task.State);
        await host.Client.DeleteAsync(task.Id);
    }

    [Fact]
    public async Task EnqueueForm_DelayAndRunAtBoth_ShowsTheServersMessage()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/tasks"));
        await page.ClickAsync("text=New task");

        await page.FillAsync("#e-type", VigilWebHost.EchoType);
        await page.FillAsync("#e-delay", "10");
        await page.FillAsync("#e-at", "2030-01-31T12:30:15");
        await page.ClickAsync("#e-submit");

        await Assertions.Expect(page.Locator("#enqueue-error")).ToContainTextAsync("Delay and ScheduledAt are both set", new() { Timeout = Timeout });
    }

    [Fact]
    public async Task Progress_ReportedByTheHandler_ShownLiveInTheListAndOnTheTaskPage()
    {
        // Arrange: a handler that waits on a gate, reports 50 % "half way", then waits to finish.
        var gate = Guid.NewGuid().ToString("N");
        var id = await host.EnqueueAsync(VigilWebHost.ProgressType, new TestPayload(Gate: gate, Text: "progress"));
        await host.WaitForStateAsync(id, TaskState.Running);
        var list = await host.NewPageAsync();
        await list.GotoAsync(host.Url("vigil/#/tasks?state=running"));
        var cell = list.Locator($"[data-progress-for='{id}']");
        await Assertions.Expect(cell).ToHaveTextAsync("running…", new() { Timeout = Timeout });
        var detail = await host.NewPageAsync();
        await detail.GotoAsync(host.Url($"vigil/#/tasks/{id}"));
        await Assertions.Expect(detail.Locator("#progress-text")).ToContainTextAsync("No progress reported since this page opened", new() { Timeout = Timeout });

        // Both pages watch the task before the handler reports (no sleeping: each marks what it watches live).
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-live", "true", new() { Timeout = Timeout });
        await Assertions.Expect(detail.Locator("#progress-slot")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = Timeout });

        // Act
        host.Gates.Release(gate);

        // Assert: the progress arrives in both pages without a reload.
        await Assertions.Expect(cell).ToContainTextAsync("50% half way", new() { Timeout = Timeout });
        await Assertions.Expect(detail.Locator("#progress-text")).ToHaveTextAsync("50% half way", new() { Timeout = Timeout });
        var width = await detail.Locator("#progress-slot .bar-fill").EvaluateAsync<string>("e => e.style.width");
        Assert.Equal("50%", width);

        // Assert: when it finishes, the page shows the result instead.
        host.Gates.Release(gate + ":finish");
        await Assertions.Expect(detail.Locator("#task-detail h1 .pill")).ToHaveTextAsync("succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(detail.Locator("#progress-slot")).ToBeEmptyAsync(new() { Timeout = Timeout });
    }

    private static string Minute(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private static async Task<List<(string Minute, string Key, long Value)>> BarsAsync(ILocator chart)
    {
        var bars = await chart.Locator(".chart-outcomes svg rect[data-key]").EvaluateAllAsync<string[][]>(
            "els => els.map(e => [e.getAttribute('data-minute'), e.getAttribute('data-key'), e.getAttribute('data-value')])");
        return bars.Select(b => (Minute(b[0]), b[1], long.Parse(b[2], CultureInfo.InvariantCulture))).ToList();
    }
}
