using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Vigil.Redis.Scripts;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>
/// The scripts loaded at start are all the scripts: one left out (or created after the load, as a script registered by its
/// own constructor was in a Native AOT worker) goes by its full text on every call, and StackExchange.Redis hashes that
/// text each time to find its SHA-1.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisScriptsTests(RedisServer server)
{
    [Fact]
    public void All_EveryScriptOfTheAssembly_IsListed()
    {
        // Every static RedisScript field of any type of the engine, wherever it is declared.
        const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var declared = typeof(RedisScripts).Assembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetFields(Static))
            .Where(f => f.FieldType == typeof(RedisScript))
            .Select(f => (RedisScript)f.GetValue(null)!)
            .ToList();

        Assert.NotEmpty(declared);
        Assert.Equal(declared.Count, RedisScripts.All.Distinct().Count());
        Assert.All(declared, script => Assert.Contains(script, RedisScripts.All));
    }

    [Fact]
    public async Task InitializeAsync_NewKeyPrefix_EveryScriptsSha1IsKnownHereAndOnTheServer()
    {
        var storage = RedisStorage.Create(new RedisStorageOptions { Configuration = server.Url, KeyPrefix = TestSupport.UniquePrefix("scripts") });
        await using var owned = (IAsyncDisposable)storage;

        await storage.InitializeAsync(CancellationToken.None);

        foreach (var script in RedisScripts.All)
        {
            var hash = Assert.IsType<byte[]>(script.Hash);
            Assert.Equal(SHA1.HashData(Encoding.UTF8.GetBytes(script.Text)), hash);
            var exists = (List<object?>)(await server.CommandAsync("SCRIPT", "EXISTS", Convert.ToHexStringLower(hash)))!;
            Assert.Equal(1L, exists[0]);
        }
    }
}
