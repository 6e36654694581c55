using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Sqlite.Engine;
using Vigil.Storage;

namespace Vigil.Sqlite;

/// <summary>Builds the SQLite storage engine without dependency injection (tests, tools, the CLI).</summary>
public static class SqliteStorage
{
    /// <summary>The engine name reported by <see cref="IVigilStorage.EngineName"/>: <c>sqlite</c>.</summary>
    public const string EngineName = "sqlite";

    /// <summary>Creates a SQLite storage over <see cref="SqliteStorageOptions.Path"/>.</summary>
    /// <param name="options">The options; copied, so later changes do not affect the storage.</param>
    /// <param name="timeProvider">The clock for every stored time. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory. Default: no logging.</param>
    /// <returns>
    /// The storage. Call <see cref="IVigilStorage.InitializeAsync"/> before use (other calls initialize it on first use too).
    /// It implements <see cref="IAsyncDisposable"/> and <see cref="IDisposable"/>: dispose it to close its connections.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (every problem is named).</exception>
    public static IVigilStorage Create(SqliteStorageOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = SqliteStorageOptionsValidator.ValidateAndCopy(options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SqliteVigilStorage>();
        return new SqliteVigilStorage(copy, timeProvider ?? TimeProvider.System, logger);
    }
}
