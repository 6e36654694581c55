using System.Diagnostics;
using Vigil.Storage;
using Vigil.Tasks;
using Xunit;

namespace Vigil.Sqlite.Tests;

/// <summary>Real child processes draining one SQLite file while this process keeps enqueuing.</summary>
public sealed class SqliteMultiProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ThreeWorkerProcesses_DrainOneFile_EachTaskCompletedExactlyOnce()
    {
        // Arrange
        const int Waves = 30;
        const int PerWave = 50;
        var path = _directory.File("processes.db");
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path });
        await storage.InitializeAsync(CancellationToken.None);
        var children = Enumerable.Range(0, 3).Select(i => StartDrainer(path, "mp", $"process-{i}")).ToList();

        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Enumerable.Range(0, 3).Any(i => !File.Exists($"{path}.process-{i}.ready")) && DateTime.UtcNow < deadline)
            {
                Assert.All(children, c => Assert.False(c.Process.HasExited, "A child process exited before it was ready."));
                await Task.Delay(50);
            }

            // Act: enqueue in waves while the children consume, so their claims overlap.
            for (var wave = 0; wave < Waves; wave++)
            {
                await storage.EnqueueAsync(
                    Enumerable.Range(0, PerWave).Select(_ => new NewTask { Id = Guid.NewGuid().ToString("N"), Type = "mp.work", Queue = "mp", Payload = "{}", MaxAttempts = 1 }).ToList(),
                    CancellationToken.None);
                await Task.Delay(20);
            }

            var outputs = await Task.WhenAll(children.Select(c => c.Output)).WaitAsync(TimeSpan.FromSeconds(120));
            foreach (var child in children)
            {
                await child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(child.Process.ExitCode == 0, $"Child exited with {child.Process.ExitCode}: {await child.Errors}");
            }

            // Assert
            var completed = outputs.SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            Assert.Equal(Waves * PerWave, completed.Count);
            Assert.Equal(Waves * PerWave, completed.Distinct().Count());
            Assert.True(outputs.Count(o => o.Length > 0) >= 2, "At least two processes should have completed tasks.");
            var succeeded = await storage.ListTasksAsync(new TaskQuery { State = TaskState.Succeeded, Limit = 1 }, CancellationToken.None);
            Assert.Equal(Waves * PerWave, succeeded.Total);
        }
        finally
        {
            foreach (var child in children.Where(c => !c.Process.HasExited))
            {
                child.Process.Kill(entireProcessTree: true);
            }

            foreach (var child in children)
            {
                child.Process.Dispose();
            }

            await ((IAsyncDisposable)storage).DisposeAsync();
        }
    }

    [Fact]
    public async Task WorkerProcessKilledWhileRunning_ItsTasksAreTakenOverAfterTheLease()
    {
        // Arrange: a child process claims 5 of 8 tasks (lease 5 min on the real clock) and is killed without a word.
        var path = _directory.File("killed.db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path }, time);
        try
        {
            var tasks = Enumerable.Range(0, 8).Select(_ => new NewTask { Id = Guid.NewGuid().ToString("N"), Type = "kill.work", Queue = "k", Payload = "{}", MaxAttempts = 3 }).ToList();
            await storage.EnqueueAsync(tasks, CancellationToken.None);
            using var child = Process.Start(ChildStart("claim-and-hang", path, "k", "doomed-worker", "5"))!;
            var claimedByChild = new List<string>();
            while (await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line && line != "claimed")
            {
                claimedByChild.Add(line);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(5, claimedByChild.Count);

            // Act: before the lease expires only the 3 others are claimable; after it, the 5 are taken over.
            var before = await storage.ClaimAsync(
                new ClaimRequest { WorkerId = "survivor", Queues = ["k"], MaxCount = 100, LeaseDuration = TimeSpan.FromHours(1) }, CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(6));
            var after = await storage.ClaimAsync(
                new ClaimRequest { WorkerId = "survivor", Queues = ["k"], MaxCount = 100, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);

            // Assert
            Assert.Equal(3, before.Count);
            Assert.Equal(claimedByChild.Order(), after.Select(t => t.Id).Order());
            Assert.All(after, t => Assert.True(t.TakenOver));
            Assert.All(after, t => Assert.Equal(2, t.Attempt));
            var record = await storage.GetTaskAsync(claimedByChild[0], CancellationToken.None);
            Assert.Equal(["doomed-worker", "survivor"], record!.Timeline.Select(a => a.WorkerId));
            Assert.Equal("lease-expired", record.Timeline[0].Outcome);
        }
        finally
        {
            await ((IAsyncDisposable)storage).DisposeAsync();
        }
    }

    private static ProcessStartInfo ChildStart(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static (Process Process, Task<string> Output, Task<string> Errors) StartDrainer(string path, string queue, string workerId)
    {
        var start = ChildStart("drain", path, queue, workerId, "20");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a child process.");
        return (process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }
}
