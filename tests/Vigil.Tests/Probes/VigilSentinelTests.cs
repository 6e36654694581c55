using Microsoft.Extensions.DependencyInjection;
using Vigil.Probes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Probes;

/// <summary>The sentinel's loop: how often it reads the storage.</summary>
public class VigilSentinelTests
{
    [Fact]
    public async Task Loop_AllHealthyNoProbeDue_ReadsTheStorageAtMostEveryFiveChecks()
    {
        // Arrange: a worker and the sentinel, a check every second, probes a minute apart (calm rounds up to 5 s apart).
        await using var h = await VigilHarness.StartAsync(
            b => b.AddVigilSentinel(o =>
            {
                o.CheckInterval = TimeSpan.FromSeconds(1);
                o.Interval = TimeSpan.FromMinutes(1);
                o.Deadline = TimeSpan.FromSeconds(10);
            }),
            storage: Processing.VigilWorkerTests.Kind, faulty: true);
        var sentinel = h.Host.Services.GetRequiredService<VigilSentinel>();
        var start = h.Time.GetUtcNow();

        // The first probes are sent and consumed, then everything is healthy and nothing is due for a minute.
        await h.WaitUntilAsync(() => sentinel.IsLeader && h.Time.GetUtcNow() >= start + TimeSpan.FromSeconds(10), "the sentinel leads, 10 s in", advance: TimeSpan.FromMilliseconds(250));
        var readsBefore = h.Faults.WorkerReads;
        var windowStart = h.Time.GetUtcNow();

        // Act: 30 s of checks.
        await h.WaitUntilAsync(() => h.Time.GetUtcNow() >= windowStart + TimeSpan.FromSeconds(30), "30 s of checks", advance: TimeSpan.FromMilliseconds(250));

        // Assert: a calm sentinel reads every 5 s (about 6 reads), not at each of the 30 checks; it still reads.
        var reads = h.Faults.WorkerReads - readsBefore;
        Assert.InRange(reads, 2, 10);
    }
}
