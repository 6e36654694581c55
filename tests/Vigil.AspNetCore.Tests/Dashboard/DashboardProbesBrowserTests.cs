using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vigil.AspNetCore.Tests.Support;
using Vigil.Client;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>
/// A real headless Chromium on a dashboard whose process runs the sentinel: the probes section shows each real probe, and
/// the sentinel's probe tasks stay out of the task list until "show internal" is ticked.
/// </summary>
public sealed class DashboardProbesBrowserTests(ObservedBrowserHost host) : IClassFixture<ObservedBrowserHost>
{
    private const float Timeout = 20_000;

    [Fact]
    public async Task Overview_SentinelRunning_ProbesSectionShowsEachQueueAndWorkerProbeLive()
    {
        // Arrange
        var workerId = host.Services.GetRequiredService<IVigilWorker>().WorkerId;
        var page = await host.NewPageAsync();

        // Act
        await page.GotoAsync(host.Url("vigil/"));

        // Assert: a queue probe and the worker probe, both consumed, with a latency and a reason.
        var queueProbe = page.Locator("#probes-table tr[data-probe='queue:default']");
        var workerProbe = page.Locator($"#probes-table tr[data-probe='worker:{workerId}']");
        await Assertions.Expect(queueProbe).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = Timeout });
        await Assertions.Expect(workerProbe).ToHaveAttributeAsync("data-state", "ok", new() { Timeout = Timeout });
        await Assertions.Expect(queueProbe.Locator(".probe-latency")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+(\.\d+)? m?s$"));
        await Assertions.Expect(queueProbe.Locator(".probe-reason")).ToContainTextAsync("probe queue:default: last consumed in");
        await Assertions.Expect(workerProbe).ToContainTextAsync(workerId);

        // Assert: what the page shows is what the API (and /health) derive from the storage.
        using var http = host.CreateHttpClient();
        var probes = await http.GetFromJsonAsync<JsonElement>("/vigil/api/probes");
        var targets = probes.EnumerateArray().Select(p => p.GetProperty("target").GetString()).ToList();
        Assert.Contains("queue:default", targets);
        Assert.Contains("worker:" + workerId, targets);
        var rows = await page.Locator("#probes-table tr[data-probe]").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-probe'))");
        Assert.Equal(targets.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));

        // Assert: live: the "last success" of the queue probe is refreshed as new probes are consumed, without a reload.
        var first = await queueProbe.Locator("[data-since]").GetAttributeAsync("data-since");
        await Assertions.Expect(queueProbe.Locator("[data-since]")).Not.ToHaveAttributeAsync("data-since", first!, new() { Timeout = Timeout });
    }

    [Fact]
    public async Task TaskList_ProbeTasksPresent_HiddenUntilShowInternalIsTicked()
    {
        // Arrange: the sentinel's probe tasks exist, and a task of the user's.
        await Poll.UntilAsync(
            async () => (await host.Client.ListTasksAsync(new Storage.TaskQuery { Type = TaskNames.ProbeTaskType })).Total,
            total => total > 0, TimeSpan.FromSeconds(20), "probe tasks in the storage");
        var id = await host.EnqueueAsync(VigilWebHost.EchoType, new TestPayload(Text: "mine"));
        await host.WaitForStateAsync(id, TaskState.Succeeded);
        var page = await host.NewPageAsync();
        await page.GotoAsync(host.Url("vigil/#/tasks"));
        await Assertions.Expect(page.Locator($"tr[data-task='{id}']")).ToBeVisibleAsync(new() { Timeout = Timeout });
        var probeRows = page.Locator("table.tasks tbody tr", new() { HasText = TaskNames.ProbeTaskType });

        // Assert: none by default.
        await Assertions.Expect(probeRows).ToHaveCountAsync(0);
        Assert.False(await page.IsCheckedAsync("#show-internal"));

        // Act
        await page.CheckAsync("#show-internal");

        // Assert: the probe tasks appear (in their queues, private ones included), and the choice survives a reload.
        await Assertions.Expect(probeRows.First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("table.tasks tbody tr", new() { HasText = TaskNames.PrivateQueuePrefix }).First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.ReloadAsync();
        await Assertions.Expect(probeRows.First).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.True(await page.IsCheckedAsync("#show-internal"));

        // Act: untick.
        await page.UncheckAsync("#show-internal");

        // Assert
        await Assertions.Expect(page.Locator($"tr[data-task='{id}']")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(probeRows).ToHaveCountAsync(0, new() { Timeout = Timeout });
    }
}
