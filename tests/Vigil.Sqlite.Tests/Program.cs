using Vigil.Storage;

namespace Vigil.Sqlite.Tests;

/// <summary>
/// The entry point of this assembly when a test starts it as a child process (a real second process on the same file):
/// <c>dotnet Vigil.Sqlite.Tests.dll drain &lt;database&gt; &lt;queue&gt; &lt;workerId&gt; &lt;idleRounds&gt;</c> writes
/// <c>&lt;database&gt;.&lt;workerId&gt;.ready</c> once initialized, then claims and completes tasks of the queue until it
/// finds none <c>idleRounds</c> times in a row (100 ms apart), and prints each task id it completed.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["claim-and-hang", var hangPath, var hangQueue, var hangWorker, var countText] && int.TryParse(countText, out var count))
        {
            return await ClaimAndHangAsync(hangPath, hangQueue, hangWorker, count);
        }

        if (args is not ["drain", var path, var queue, var workerId, var idleRoundsText] || !int.TryParse(idleRoundsText, out var maxIdleRounds))
        {
            await Console.Error.WriteLineAsync("usage: drain <database> <queue> <workerId> <idleRounds> | claim-and-hang <database> <queue> <workerId> <count>");
            return 2;
        }

        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path });
        try
        {
            await storage.InitializeAsync(CancellationToken.None);
            await File.WriteAllTextAsync($"{path}.{workerId}.ready", "ready");
            var idleRounds = 0;
            while (idleRounds < maxIdleRounds)
            {
                var claimed = await storage.ClaimAsync(
                    new ClaimRequest { WorkerId = workerId, Queues = [queue], MaxCount = 8, LeaseDuration = TimeSpan.FromMinutes(5) },
                    CancellationToken.None);
                if (claimed.Count == 0)
                {
                    idleRounds++;
                    await storage.WaitForWorkAsync([queue], TimeSpan.FromMilliseconds(100), CancellationToken.None);
                    continue;
                }

                idleRounds = 0;
                foreach (var task in claimed)
                {
                    var completed = await storage.CompleteAsync(
                        new TaskCompletion
                        {
                            TaskId = task.Id,
                            WorkerId = workerId,
                            Attempt = task.Attempt,
                            Outcome = CompletionOutcome.Succeeded,
                            RunTime = TimeSpan.FromMilliseconds(1),
                        },
                        CancellationToken.None);
                    if (completed)
                    {
                        Console.WriteLine(task.Id);
                    }
                }
            }

            return 0;
        }
        finally
        {
            await ((IAsyncDisposable)storage).DisposeAsync();
        }
    }

    /// <summary>Claims <paramref name="count"/> tasks, prints their ids and "claimed", then hangs until it is killed.</summary>
    private static async Task<int> ClaimAndHangAsync(string path, string queue, string workerId, int count)
    {
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path });
        await storage.InitializeAsync(CancellationToken.None);
        var claimed = await storage.ClaimAsync(
            new ClaimRequest { WorkerId = workerId, Queues = [queue], MaxCount = count, LeaseDuration = TimeSpan.FromMinutes(5) },
            CancellationToken.None);
        foreach (var task in claimed)
        {
            Console.WriteLine(task.Id);
        }

        Console.WriteLine("claimed");
        await Console.Out.FlushAsync();

        // A worker that dies while running its tasks: the test kills this process here.
        await Task.Delay(Timeout.InfiniteTimeSpan);
        return 0;
    }
}
