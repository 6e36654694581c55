using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>The test classes that share one redis-server (each test uses its own key prefix).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    /// <summary>The collection name.</summary>
    public const string Name = "redis-server";
}
