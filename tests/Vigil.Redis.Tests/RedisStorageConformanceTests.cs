using Vigil.Storage;
using Vigil.Storage.Conformance;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>Runs the storage conformance suite against the Redis engine: one redis-server, a fresh key prefix per storage.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStorageConformanceTests(RedisServer server) : StorageConformanceTests
{
    protected override async Task<IVigilStorage> CreateStorageAsync(TimeProvider timeProvider)
    {
        var storage = RedisStorage.Create(
            new RedisStorageOptions { Configuration = server.Url, KeyPrefix = "conf-" + Guid.NewGuid().ToString("N")[..12] },
            timeProvider);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }
}
