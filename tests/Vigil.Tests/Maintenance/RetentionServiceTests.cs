using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Maintenance;
using Vigil.Tasks;
using Vigil.Tests.Processing;
using Vigil.Tests.Support;

namespace Vigil.Tests.Maintenance;

public class RetentionServiceTests
{
    [Fact]
    public async Task SweepOnceAsync_SucceededTaskPastRetention_Removed()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(storage: VigilWorkerTests.Kind, options: o =>
        {
            o.SucceededRetention = TimeSpan.FromHours(1);
            o.MaintenanceInterval = TimeSpan.FromDays(1); // the background sweep stays out of the way
        });
        var sut = h.Host.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        var old = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");
        await h.WaitForStateAsync(old, TaskState.Succeeded);
        h.Time.Advance(TimeSpan.FromHours(2));
        var recent = await h.Client.EnqueueJsonAsync(TaskNames.ProbeTaskType, "{}");
        await h.WaitForStateAsync(recent, TaskState.Succeeded);

        // Act
        var removed = await sut.SweepOnceAsync(h.Storage, CancellationToken.None);

        // Assert
        Assert.Equal(1, removed);
        Assert.Null(await h.Client.GetTaskAsync(old));
        Assert.NotNull(await h.Client.GetTaskAsync(recent));
    }

    [Fact]
    public async Task SweepOnceAsync_LockHeldByAnotherProcess_DoesNothing()
    {
        await using var h = await VigilHarness.StartAsync(storage: VigilWorkerTests.Kind);
        var sut = h.Host.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        Assert.True(await h.Storage.TryAcquireLockAsync(RetentionService.LockName, "another-process", TimeSpan.FromMinutes(10), CancellationToken.None));

        var removed = await sut.SweepOnceAsync(h.Storage, CancellationToken.None);

        Assert.Null(removed);
    }
}
