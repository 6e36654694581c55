using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Redis.Tests;

/// <summary>Helpers shared by the Redis engine tests.</summary>
internal static class TestSupport
{
    /// <summary>
    /// The environment of the worker processes these tests start: configuration files are watched by polling, not by an
    /// inotify instance each. The machine-wide limit of 128 inotify instances per user was reached once on the shared
    /// CI machine and a worker died at start ("The configured user limit (128) on the number of inotify instances has
    /// been reached"); these tests are about Redis, not about reloading configuration.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> WorkerEnvironment { get; } =
        new Dictionary<string, string?> { ["DOTNET_USE_POLLING_FILE_WATCHER"] = "1" };

    /// <summary>How many scripts a test's own Redis server has run (<c>EVALSHA</c> and <c>EVAL</c> calls).</summary>
    public static async Task<long> ScriptCallsAsync(RedisServer server)
    {
        long total = 0;
        foreach (var command in new[] { "cmdstat_evalsha", "cmdstat_eval" })
        {
            try
            {
                var stats = await server.InfoAsync("commandstats", command); // calls=N,usec=...
                total += long.Parse(stats.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
            }
            catch (InvalidOperationException)
            {
                // Never called.
            }
        }

        return total;
    }

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
