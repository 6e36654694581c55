using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Vigil.Storage;

namespace Vigil.Redis.Tests;

/// <summary>Helpers shared by the Redis engine tests.</summary>
internal static class TestSupport
{
    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string what) => what + "-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A new task in <paramref name="queue"/>.</summary>
    public static NewTask Task(string queue = "q", string type = "test.work") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Type = type,
        Queue = queue,
        Payload = """{"n":1}""",
        MaxAttempts = 3,
    };
}

/// <summary>An <see cref="ILoggerFactory"/> over a <see cref="FakeLoggerProvider"/>, to assert on log records.</summary>
internal sealed class FakeLoggerFactory : ILoggerFactory
{
    public FakeLoggerProvider Provider { get; } = new();

    public FakeLogCollector Collector => Provider.Collector;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => Provider.CreateLogger(categoryName);

    public void Dispose() => Provider.Dispose();
}
