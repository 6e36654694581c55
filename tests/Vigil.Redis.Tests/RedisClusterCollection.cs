using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>The test classes that share one three-master Redis Cluster (each test uses its own key prefix).</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisCluster>
{
    /// <summary>The collection name.</summary>
    public const string Name = "redis-cluster";
}
