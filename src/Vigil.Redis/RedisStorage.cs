using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Redis.Engine;
using Vigil.Storage;

namespace Vigil.Redis;

/// <summary>Creates the Redis storage engine directly, for tests and tools that do not use dependency injection.</summary>
public static class RedisStorage
{
    /// <summary>Creates a Redis storage. It connects in <see cref="IVigilStorage.InitializeAsync"/>.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock of every stored time, due time and lease. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory. Default: no logging.</param>
    /// <returns>The storage; dispose it (it is <see cref="IAsyncDisposable"/>) to close its connection.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public static IVigilStorage Create(RedisStorageOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = RedisStorageOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return new RedisVigilStorage(options, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance);
    }
}
