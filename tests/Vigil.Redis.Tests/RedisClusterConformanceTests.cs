using Vigil.Storage;
using Vigil.Storage.Conformance;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// Runs the storage conformance suite, unchanged, against a real three-master Redis Cluster: every script must stay in
/// one slot (a cross-slot access fails the call), and what spans slots must still keep the contract.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterConformanceTests(RedisCluster cluster) : StorageConformanceTests
{
    protected override async Task<IVigilStorage> CreateStorageAsync(TimeProvider timeProvider)
    {
        var storage = RedisStorage.Create(
            new RedisStorageOptions { Configuration = cluster.Configuration, KeyPrefix = "cc-" + Guid.NewGuid().ToString("N")[..12] },
            timeProvider);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }
}
