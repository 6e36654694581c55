using Microsoft.Playwright;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>A real headless Chromium drives the dashboard served by a real Kestrel host.</summary>
public sealed class DashboardBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const float Timeout = 15_000;

    [Fact]
    public async Task Overview_Enqueue_QueueAndTaskAppearWithoutReload()
    {
        // Arrange: a queue no worker consumes, so its task stays visible as ready.
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/"));
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live", new() { Timeout = Timeout });
        await page.EvaluateAsync("() => { window.__noReload = 42; }");
        var queue = "live-" + Guid.NewGuid().ToString("N")[..8];

        // Act
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "live"), new EnqueueOptions { Queue = queue });

        // Assert: the queue row appears on the overview, then the task in the task list, all without a reload.
        var row = page.Locator($"tr[data-queue='{queue}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("1", new() { Timeout = Timeout });
        await page.ClickAsync("#nav a[data-view='tasks']");
        await Assertions.Expect(page.Locator($"tr[data-task='{id}']")).ToBeVisibleAsync(new() { Timeout = Timeout });
        var second = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "second"), new EnqueueOptions { Queue = queue });
        await Assertions.Expect(page.Locator($"tr[data-task='{second}']")).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__noReload"));
        await host.Client.DeleteAsync(id);
        await host.Client.DeleteAsync(second);
    }

    [Fact]
    public async Task DeadTask_ClickRetry_ChangesToSucceededLive()
    {
        // Arrange: a task that fails until its gate opens, with one attempt: it dies.
        var gate = Guid.NewGuid().ToString("N");
        var id = await host.EnqueueAsync(VigilWebHost.FlakyType, new TestPayload(Gate: gate, Text: "second time lucky"), new EnqueueOptions { MaxAttempts = 1 });
        await host.WaitForStateAsync(id, TaskState.Dead);
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url($"vigil/#/tasks/{id}"));
        var state = page.Locator("#task-detail h1 .pill");
        await Assertions.Expect(state).ToHaveTextAsync("dead", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#task-detail")).ToContainTextAsync("flaky: the gate is closed");

        // Act
        host.Gates.Release(gate);
        await page.ClickAsync("#task-detail button[data-action='retry']");

        // Assert
        await Assertions.Expect(state).ToHaveTextAsync("succeeded", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#task-detail .tl-item")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#task-detail pre.json").Nth(1)).ToContainTextAsync("second time lucky");
    }

    [Fact]
    public async Task DeadLetters_ClickDelete_RowDisappears()
    {
        var id = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "to delete"), new EnqueueOptions { MaxAttempts = 1 });
        await host.WaitForStateAsync(id, TaskState.Dead);
        var page = await host.NewPageAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(host.Url("vigil/#/dead?queue=default"));
        var row = page.Locator($"tr[data-task='{id}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });

        await row.Locator("button[data-action='delete']").ClickAsync();

        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = Timeout });
        Assert.Null(await host.Client.GetTaskAsync(id));
    }

    [Fact]
    public async Task EnqueueForm_BadQueue_ShowsTheServersMessage()
    {
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/tasks"));
        await page.ClickAsync("text=New task");

        await page.FillAsync("#e-type", VigilWebHost.EchoType);
        await page.FillAsync("#e-queue", "no spaces!");
        await page.ClickAsync("#e-submit");

        await Assertions.Expect(page.Locator("#enqueue-error")).ToContainTextAsync("Queue name 'no spaces!' is invalid", new() { Timeout = Timeout });
    }

    [Fact]
    public async Task Screenshot_PopulatedDashboard_RendersOverviewTasksAndDetail()
    {
        // Arrange: some history to show.
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "report " + i), new EnqueueOptions { Queue = i % 3 == 0 ? "emails" : "default" }));
        }

        var dead = await host.EnqueueAsync(VigilWebHost.FailType, new TestPayload(Text: "smtp timeout"), new EnqueueOptions { MaxAttempts = 2, Queue = "emails" });
        await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "later"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(30) });
        await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "unserved"), new EnqueueOptions { Queue = "reports" });
        foreach (var id in ids)
        {
            await host.WaitForStateAsync(id, TaskState.Succeeded);
        }

        await host.WaitForStateAsync(dead, TaskState.Dead);
        var page = await host.NewPageAsync();

        // Act
        await page.GotoAsync(host.Url("vigil/"));
        await Assertions.Expect(page.Locator("#chart-throughput svg rect.c-good").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#workers-table tbody tr").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#health-body .health-list")).ToContainTextAsync("vigil.storage", new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = "/tmp/vigil-dashboard.png", FullPage = true });
        await page.ClickAsync("#nav a[data-view='tasks']");
        await Assertions.Expect(page.Locator("table.tasks tbody tr").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = "/tmp/vigil-dashboard-tasks.png", FullPage = true });
        await page.GotoAsync(host.Url($"vigil/#/tasks/{dead}"));
        await Assertions.Expect(page.Locator("#task-detail .tl-item")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await page.ScreenshotAsync(new() { Path = "/tmp/vigil-dashboard-task.png", FullPage = true });

        // Assert: the tiles show the counts the storage holds.
        await page.GotoAsync(host.Url("vigil/"));
        await Assertions.Expect(page.Locator(".tile").Filter(new() { HasText = "Dead" }).Locator(".tile-value")).Not.ToHaveTextAsync("0", new() { Timeout = Timeout });
        Assert.True(File.Exists("/tmp/vigil-dashboard.png"));
    }
}
