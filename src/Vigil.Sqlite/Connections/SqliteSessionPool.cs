using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vigil.Sqlite.Connections;

/// <summary>
/// The engine's own pool of open sessions (ADO.NET pooling is off: a pooled connection would lose its prepared commands).
/// <see cref="Reset"/> closes every idle session and makes the busy ones close when they come back.
/// </summary>
internal sealed class SqliteSessionPool : IDisposable
{
    private readonly ConcurrentStack<SqliteSession> _idle = new();
    private readonly string _connectionString;
    private readonly string _setup;
    private readonly int _maxIdle;
    private int _generation;
    private int _idleCount;
    private bool _disposed;

    public SqliteSessionPool(SqliteStorageOptions options)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            // Microsoft.Data.Sqlite retries a busy statement for this many seconds after SQLite's own busy_timeout gave
            // up; BusyTimeout is the wait that counts, so the extra retries are kept to the minimum (0 would mean forever).
            DefaultTimeout = 1,
        }.ToString();

        // Per-connection settings: they do not persist in the file, so every new connection runs them.
        _setup = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(options.SynchronousFull ? "FULL" : "NORMAL")}; PRAGMA temp_store = MEMORY;");
        _maxIdle = options.MaxIdleConnections;
    }

    /// <summary>Opens a connection that is not part of the pool (the change poller's), with the same settings.</summary>
    public SqliteConnection OpenDedicated()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Built from numbers and constants only.
            command.CommandText = _setup;
#pragma warning restore CA2100
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Takes an idle session or opens a new one.</summary>
    /// <exception cref="SqliteException">The file cannot be opened.</exception>
    public SqliteSession Rent()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var generation = Volatile.Read(ref _generation);
        while (_idle.TryPop(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            if (session.Generation == generation)
            {
                return session;
            }

            session.Dispose();
        }

        return new SqliteSession(OpenDedicated(), generation);
    }

    /// <summary>Gives a healthy session back (a session that saw an error is disposed by the caller instead).</summary>
    public void Return(SqliteSession session)
    {
        if (Volatile.Read(ref _disposed) || session.Generation != Volatile.Read(ref _generation))
        {
            session.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
            return;
        }

        _idle.Push(session);
    }

    /// <summary>Closes every idle session; sessions in use are closed when they are returned.</summary>
    public void Reset()
    {
        Interlocked.Increment(ref _generation);
        DrainIdle();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        DrainIdle();
    }

    private void DrainIdle()
    {
        while (_idle.TryPop(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
        }
    }
}
