using Vigil.Redis.Connection;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>What is particular to the Redis engine: its data model, key layout and configuration forms.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStorageTests(RedisServer server)
{
    [Fact]
    public async Task CompleteAsync_FinishedEntries_AreRemovedFromTheStream()
    {
        // Arrange
        var (storage, prefix) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await storage.EnqueueAsync(Enumerable.Range(0, 20).Select(_ => TestSupport.Task()).ToList(), CancellationToken.None);
        var claimed = await storage.ClaimAsync(Claim("w", 20), CancellationToken.None);

        // Act
        foreach (var task in claimed)
        {
            Assert.True(await storage.CompleteAsync(Succeeded(task, "w"), CancellationToken.None));
        }

        // Assert: acknowledged and deleted, so the stream and its pending list stay empty.
        Assert.Equal(0L, await server.CommandAsync("XLEN", $"{{{prefix}:q}}:s"));
        var pending = (List<object?>)(await server.CommandAsync("XPENDING", $"{{{prefix}:q}}:s", "vigil"))!;
        Assert.Equal(0L, pending[0]);
    }

    [Fact]
    public async Task ClaimAsync_ClaimedTask_IsAPendingEntryOfTheWorker()
    {
        var (storage, prefix) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await storage.EnqueueAsync([TestSupport.Task()], CancellationToken.None);

        await storage.ClaimAsync(Claim("worker-7", 1), CancellationToken.None);

        var pending = (List<object?>)(await server.CommandAsync("XPENDING", $"{{{prefix}:q}}:s", "vigil"))!;
        Assert.Equal(1L, pending[0]);
        var consumers = (List<object?>)pending[3]!;
        Assert.Equal("worker-7", ((List<object?>)consumers[0]!)[0]);
    }

    [Fact]
    public async Task EnqueueAsync_KeysOfOneQueue_ShareTheQueuesHashTag()
    {
        var (storage, prefix) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        await storage.EnqueueAsync([TestSupport.Task("mail")], CancellationToken.None);

        var keys = ((List<object?>)(await server.CommandAsync("KEYS", $"*{prefix}*"))!).Cast<string>().ToList();

        Assert.Contains(keys, k => k.StartsWith($"{{{prefix}:mail}}:t:", StringComparison.Ordinal));
        Assert.Contains($"{{{prefix}:mail}}:s", keys);
        Assert.All(keys, k => Assert.True(k.StartsWith($"{{{prefix}:mail}}", StringComparison.Ordinal) || k.StartsWith($"{{{prefix}}}", StringComparison.Ordinal), k));
    }

    [Fact]
    public async Task PurgeAsync_EmptyPrivateQueueOfAVanishedWorker_IsDropped()
    {
        // Arrange: a probe task in a private queue of a worker that no longer has a record.
        var (storage, prefix) = await CreateSutAsync();
        await using var owned = (IAsyncDisposable)storage;
        var queue = TaskNames.PrivateQueueFor("gone-1");
        await storage.EnqueueAsync([TestSupport.Task(queue)], CancellationToken.None);
        var claimed = Assert.Single(await storage.ClaimAsync(Claim("gone-1", 1, queue), CancellationToken.None));
        Assert.True(await storage.CompleteAsync(Succeeded(claimed, "gone-1"), CancellationToken.None));

        // Act
        var later = DateTimeOffset.UtcNow.AddMinutes(1);
        var removed = await storage.PurgeAsync(later, later, later, CancellationToken.None);

        // Assert
        Assert.Equal(1, removed);
        Assert.Empty(await storage.GetQueuesAsync(CancellationToken.None));
        var keys = ((List<object?>)(await server.CommandAsync("KEYS", $"*{prefix}:{queue}*"))!).Count;
        Assert.Equal(0, keys);
    }

    [Fact]
    public async Task Location_UrlWithPassword_HasNoSecret()
    {
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = "redis://:s3cret@cache.example:6380/2" });
        await using var owned = (IAsyncDisposable)storage;

        Assert.Equal("cache.example:6380", storage.Location);
        Assert.Equal("redis", storage.EngineName);
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6390", "127.0.0.1:6390", null, null, false, -1)]
    [InlineData("redis://:pa%2Css@host:1/3", "host:1", null, "pa,ss", false, 3)]
    [InlineData("redis://user:pw@host:2?connectTimeout=1500", "host:2", "user", "pw", false, -1)]
    [InlineData("rediss://host:3", "host:3", null, null, true, -1)]
    [InlineData("redis://host:4,password=pw,ssl=true", "host:4", null, "pw", true, -1)]
    [InlineData("host:5,password=pw,defaultDatabase=1", "host:5", null, "pw", false, 1)]
    public void Parse_UrlAndNativeForms_GiveTheSameSettings(string text, string endpoint, string? user, string? password, bool ssl, int database)
    {
        var options = RedisConfigurationParser.Parse(text);

        Assert.Equal(endpoint, RedisConfigurationParser.Describe(options));
        Assert.Equal(user, options.User);
        Assert.Equal(password, options.Password);
        Assert.Equal(ssl, options.Ssl);
        Assert.Equal(database, options.DefaultDatabase ?? -1);
    }

    [Theory]
    [InlineData("redis://")]
    [InlineData("redis://host:1/notadb")]
    [InlineData("redis://host:1?nosuchoption=1")]
    public void Parse_Invalid_ThrowsWithTheExpectedForms(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisConfigurationParser.Parse(text));

        Assert.Contains("redis://[:password@]host:port", error.Message);
    }

    [Fact]
    public void Create_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var error = Assert.Throws<ArgumentException>(() => RedisStorage.Create(new RedisStorageOptions
        {
            Configuration = "",
            KeyPrefix = "bad prefix!",
            PingInterval = TimeSpan.Zero,
            FailuresBeforeReconnect = 0,
        }));

        Assert.Contains("Configuration is empty", error.Message);
        Assert.Contains("KeyPrefix 'bad prefix!'", error.Message);
        Assert.Contains("PingInterval", error.Message);
        Assert.Contains("FailuresBeforeReconnect", error.Message);
    }

    private async Task<(IVigilStorage Storage, string Prefix)> CreateSutAsync()
    {
        var prefix = TestSupport.UniquePrefix("eng");
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = prefix });
        await storage.InitializeAsync(CancellationToken.None);
        return (storage, prefix);
    }

    private static ClaimRequest Claim(string worker, int count, string queue = "q") =>
        new() { WorkerId = worker, Queues = [queue], MaxCount = count, LeaseDuration = TimeSpan.FromMinutes(1) };

    private static TaskCompletion Succeeded(ClaimedTask task, string worker) =>
        new() { TaskId = task.Id, WorkerId = worker, Attempt = task.Attempt, Outcome = CompletionOutcome.Succeeded, RunTime = TimeSpan.FromMilliseconds(3) };
}
