using System.Text.RegularExpressions;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Vigil.Redis.Tests;

/// <summary>
/// The engine on a real three-master Redis Cluster: queues spread over the nodes by their hash tag, a batch across
/// queues on different nodes, and a real <c>vigil worker</c> process draining queues that live on three nodes.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed partial class RedisClusterTests(RedisCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ChildProcess> _processes = [];

    [Fact]
    public async Task Fixture_ScriptTouchingTwoSlots_IsRefused()
    {
        // The conformance suite passing on this cluster means something only if the cluster enforces one slot per script.
        var node = await cluster.NodeOfAsync("{a}k");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.CommandAsync(
            "EVAL", "redis.call('SET', KEYS[1], '1') redis.call('SET', '{b}k', '1') return 1", "1", "{a}k"));

        Assert.Matches("slot|non local key", error.Message);
    }

    [Fact]
    public async Task EnqueueAsync_BatchAcrossQueuesOnThreeNodes_StoresEachOnItsQueuesNode()
    {
        // Arrange: three queues whose hash tags land on three different nodes.
        var prefix = TestSupport.UniquePrefix("cl");
        var queues = await QueuesOnEveryNodeAsync(prefix);
        var storage = await CreateStorageAsync(prefix);
        await using var owned = (IAsyncDisposable)storage;
        var tasks = Enumerable.Range(0, 12).Select(i => TestSupport.Task(queues[i % 3])).ToList();

        // Act
        var results = await storage.EnqueueAsync(tasks, CancellationToken.None);

        // Assert: every task stored, each queue's keys only on the node of its tag, listed newest first across nodes.
        Assert.Equal(tasks.Select(t => t.Id), results.Select(r => r.Id));
        foreach (var (queue, i) in queues.Select((q, i) => (q, i)))
        {
            var owner = await cluster.NodeOfAsync($"{{{prefix}:{queue}}}:m");
            foreach (var node in cluster.Nodes)
            {
                var keys = await RedisCluster.KeysAsync(node, $"{{{prefix}:{queue}}}:*");
                if (node == owner)
                {
                    Assert.Equal(4, keys.Count(k => k.Contains(":t:", StringComparison.Ordinal)));
                }
                else
                {
                    Assert.Empty(keys);
                }
            }
        }

        var page = await storage.ListTasksAsync(new TaskQuery { Limit = 12 }, CancellationToken.None);
        Assert.Equal(tasks.Select(t => t.Id).Reverse(), page.Tasks.Select(t => t.Id));
        var claimed = await storage.ClaimAsync(
            new ClaimRequest { WorkerId = "w", Queues = queues, MaxCount = 12, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        Assert.Equal(12, claimed.Count);
    }

    [Fact]
    public async Task WaitForWorkAsync_EnqueueOnEveryNode_WakesUpTheWaiter()
    {
        // Arrange: the wake-up channel is cluster-wide pub/sub, published by scripts on whichever node holds the queue.
        var prefix = TestSupport.UniquePrefix("cl");
        var queues = await QueuesOnEveryNodeAsync(prefix);
        var storage = await CreateStorageAsync(prefix);
        await using var owned = (IAsyncDisposable)storage;
        await storage.WaitForWorkAsync(queues, TimeSpan.Zero, CancellationToken.None); // consumes the subscription's own signal

        foreach (var queue in queues)
        {
            var waiting = storage.WaitForWorkAsync([queue], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask();

            // Act: on the same node connection, so Redis runs the waiter's "anything ready?" look before the enqueue,
            // and only the published wake-up can end the wait.
            await storage.EnqueueAsync([TestSupport.Task(queue)], CancellationToken.None);

            // Assert: woken long before the 5-minute wait; then the task is claimed, so the next wait waits again.
            await waiting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Single(await storage.ClaimAsync(
                new ClaimRequest { WorkerId = "w", Queues = [queue], MaxCount = 5, LeaseDuration = TimeSpan.FromMinutes(1) }, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Worker_QueuesOnThreeNodes_DrainsThemAll()
    {
        // Arrange: 600 tasks over three queues that live on three different nodes, enqueued in batches across them;
        // the CLI's default key prefix, so the test reads what the worker writes.
        const int PerQueue = 200;
        var queues = await QueuesOnEveryNodeAsync("vigil");
        var storage = await CreateStorageAsync("vigil");
        await using var owned = (IAsyncDisposable)storage;
        var tasks = Enumerable.Range(0, PerQueue * 3)
            .Select(i => new NewTask { Id = Guid.NewGuid().ToString("N"), Type = "demo.noop", Queue = queues[i % 3], Payload = "{}", MaxAttempts = 3 })
            .ToList();
        for (var i = 0; i < tasks.Count; i += 100)
        {
            await storage.EnqueueAsync(tasks.Skip(i).Take(100).ToList(), CancellationToken.None);
        }

        // Act: one worker process, connected to the cluster through one node's address (it discovers the others).
        var worker = VigilCli.Start(
            ["worker", "--storage", "redis:" + cluster.Nodes[0].EndPoint, "--queues", string.Join(",", queues), "--concurrency", "8", "--lease", "5s"],
            TestSupport.WorkerEnvironment);
        _processes.Add(worker);
        await worker.WaitForLineAsync(l => WorkerStarted().IsMatch(l), TimeSpan.FromSeconds(60));

        // Assert: every task of every queue succeeded, on its own node's keys.
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    foreach (var queue in queues)
                    {
                        var done = await storage.ListTasksAsync(new TaskQuery { Queue = queue, Type = "demo.noop", State = TaskState.Succeeded, Limit = 1 }, CancellationToken.None);
                        if (done.Total != PerQueue)
                        {
                            return false;
                        }
                    }

                    return true;
                },
                TimeSpan.FromSeconds(120), "the worker to run every task of the three queues", TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException)
        {
            output.WriteLine(worker.Output);
            throw;
        }

        var summaries = await storage.GetQueuesAsync(CancellationToken.None);
        foreach (var queue in queues)
        {
            var summary = summaries.Single(s => s.Name == queue);
            Assert.Equal(0, summary.Ready);
            Assert.Equal(0, summary.Running);
            var record = await storage.GetTaskAsync(tasks.First(t => t.Queue == queue).Id, CancellationToken.None);
            Assert.Equal(TaskState.Succeeded, record!.State);
        }

        Assert.False(worker.HasExited, worker.Output);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>Three queue names whose keys (tag <c>{prefix:queue}</c>) are served by three different nodes.</summary>
    private async Task<string[]> QueuesOnEveryNodeAsync(string prefix)
    {
        var byNode = new Dictionary<int, string>();
        for (var i = 0; byNode.Count < cluster.Nodes.Count; i++)
        {
            Assert.True(i < 1000, "no queue names found that spread over every node");
            var queue = "spread-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var node = await cluster.NodeOfAsync($"{{{prefix}:{queue}}}:m");
            byNode.TryAdd(node.Port, queue);
        }

        return [.. byNode.Values];
    }

    private async Task<IVigilStorage> CreateStorageAsync(string prefix)
    {
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = cluster.Configuration, KeyPrefix = prefix });
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    [GeneratedRegex(@"Worker (\S+) started")]
    private static partial Regex WorkerStarted();
}
