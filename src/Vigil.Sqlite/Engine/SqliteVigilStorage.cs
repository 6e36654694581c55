using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Vigil.Sqlite.Connections;
using Vigil.Sqlite.Schema;
using Vigil.Storage;

namespace Vigil.Sqlite.Engine;

/// <summary>
/// The SQLite engine of <see cref="IVigilStorage"/>: one file in WAL mode that several processes on one machine share.
/// Split by concern: <c>.Tasks</c> (enqueue, claim, leases, completion), <c>.Admin</c> (queries and admin),
/// <c>.Coordination</c> (workers, locks, health, events), <c>.Waiting</c> (wake-ups).
/// </summary>
/// <remarks>
/// Every write runs in a <c>BEGIN IMMEDIATE</c> transaction: it takes the file's write lock before it reads, so two
/// processes never both see a task as claimable, and a transaction never fails on a lock upgrade. Within this process
/// writes queue on the file's <see cref="SqliteDatabaseHub.WriteGate"/> first, and the writes that queued up meanwhile
/// are committed together (<c>.Writes</c>: group commit).
/// </remarks>
internal sealed partial class SqliteVigilStorage : IVigilStorage, IAsyncDisposable, IDisposable
{
    private readonly SqliteStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SqliteSessionPool _pool;
    private readonly SqliteDatabaseHub _hub;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <summary>Creates the engine over validated options.</summary>
    /// <param name="options">Validated options with a full path.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="hub">
    /// The in-process state shared per file; <see langword="null"/> for the process-wide one. Tests pass a hub of their
    /// own to make an instance behave like another process.
    /// </param>
    public SqliteVigilStorage(SqliteStorageOptions options, TimeProvider timeProvider, ILogger<SqliteVigilStorage> logger, SqliteDatabaseHub? hub = null)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _pool = new SqliteSessionPool(options);
        _hub = hub ?? SqliteDatabaseHub.For(options.Path);
    }

    public string EngineName => SqliteStorage.EngineName;

    public string Location => _options.Path;

    // ---- Initialization -------------------------------------------------------------------------------------------------

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                InitializeCore();
                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    private void InitializeCore()
    {
        var path = _options.Path;
        EnsureDirectory(path);
        EnsureWritableFile(path);

        SqliteSession? session = null;
        try
        {
            session = _pool.Rent();

            // WAL persists in the file; switching needs no other connection in a transaction, so it is done first.
            var journalMode = Convert.ToString(session.Command("PRAGMA journal_mode = WAL").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                Log.NotWal(_logger, path, journalMode);
            }

            // One process creates the schema; the others wait for the write lock, then find it made.
            session.BeginImmediate();
            try
            {
                var version = EnsureSchema(session, path);
                session.Commit();
                Log.Initialized(_logger, path, version, journalMode, _options.SynchronousFull ? "full" : "normal", _options.BusyTimeout, _options.ChangePollInterval);
            }
            catch
            {
                session.TryRollback();
                throw;
            }

            _pool.Return(session);
            session = null;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 /* SQLITE_NOTADB */)
        {
            throw new InvalidOperationException(
                $"The file '{path}' is not a SQLite database (SQLite: {ex.Message.TrimEnd('.')}). Vigil needs a database file of its own: point SqliteStorageOptions.Path (UseSqlite) at a new file, or move this file away.",
                ex);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 11 /* SQLITE_CORRUPT */)
        {
            throw new InvalidOperationException(
                $"The SQLite database '{path}' is corrupt (SQLite: {ex.Message.TrimEnd('.')}). Restore it from a backup, or point SqliteStorageOptions.Path at a new file.",
                ex);
        }
        catch (SqliteException ex)
        {
            throw new StorageUnavailableException(
                $"Cannot open the SQLite database '{path}': {ex.Message.TrimEnd('.')}. Check that the file and its directory are writable by this process and the disk is not full.",
                ex);
        }
        finally
        {
            session?.Dispose();
        }
    }

    private static void EnsureDirectory(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new StorageUnavailableException(
                $"Cannot create the directory '{directory}' for the SQLite database '{path}': {ex.Message} Create it with write permission for this process, or choose another SqliteStorageOptions.Path.",
                ex);
        }
    }

    private static void EnsureWritableFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidOperationException(
                $"The SQLite database path '{path}' is a directory, not a file: give a file path, such as '{Path.Combine(path, "vigil.db")}'.");
        }

        // SQLite only says "unable to open database file"; opening it here first gives the operating system's reason.
        try
        {
            using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(
                $"Cannot open the SQLite database '{path}' for reading and writing: {ex.Message} Give this process write permission on the file and its directory, or choose another SqliteStorageOptions.Path.",
                ex);
        }
    }

    /// <summary>Creates the schema in an empty database, or checks that an existing one is Vigil's, of a known version.</summary>
    private static int EnsureSchema(SqliteSession session, string path)
    {
        var tables = new List<string>();
        using (var reader = session.Command("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name").ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            using (var create = session.Connection.CreateCommand())
            {
                create.CommandText = SqliteSchema.Create;
                create.ExecuteNonQuery();
            }

            session.Command("INSERT INTO vigil_meta (key, value) VALUES ('marker', $marker), ('schema_version', $version)")
                .Bind("$marker", SqliteSchema.Marker)
                .Bind("$version", SqliteSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ExecuteNonQuery();
            return SqliteSchema.Version;
        }

        if (!tables.Contains("vigil_meta"))
        {
            throw NotVigil(path, tables);
        }

        string? marker = null;
        string? versionText = null;
        using (var reader = session.Command("SELECT key, value FROM vigil_meta WHERE key IN ('marker', 'schema_version')").ExecuteReader())
        {
            while (reader.Read())
            {
                if (reader.GetString(0) == "marker")
                {
                    marker = reader.GetString(1);
                }
                else
                {
                    versionText = reader.GetString(1);
                }
            }
        }

        if (marker != SqliteSchema.Marker || !int.TryParse(versionText, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            throw NotVigil(path, tables);
        }

        if (version > SqliteSchema.Version)
        {
            throw new InvalidOperationException(
                $"The SQLite database '{path}' has Vigil schema version {version}, made by a newer Vigil; this version understands up to {SqliteSchema.Version}. Upgrade Vigil in this process, or point SqliteStorageOptions.Path at another file.");
        }

        return version;
    }

    private static InvalidOperationException NotVigil(string path, List<string> tables) => new(
        $"The SQLite database '{path}' is not a Vigil database: it has other tables ({string.Join(", ", tables.Take(5))}{(tables.Count > 5 ? ", ..." : string.Empty)}) and no Vigil marker. Give Vigil a database file of its own: point SqliteStorageOptions.Path (UseSqlite) at a new file.");

    // ---- Running statements ---------------------------------------------------------------------------------------------

    /// <summary>Runs <paramref name="work"/> in a read transaction (one consistent snapshot).</summary>
    private async ValueTask<TResult> ReadAsync<TState, TResult>(
        string operation, TState state, Func<SqliteVigilStorage, SqliteSession, TState, TResult> work, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // The call's own timeout is wall-clock on purpose: it bounds I/O and lock waits, which a test clock does not drive.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CommandTimeout);
        try
        {
            return Run(operation, write: false, state, work, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(operation, ex);
        }
    }

    private StorageUnavailableException TimedOut(string operation, Exception exception) => new(
        $"The SQLite storage '{_options.Path}' did not {operation} within {_options.CommandTimeout.TotalSeconds:0.###} s (SqliteStorageOptions.CommandTimeout): the database is held too long by another call or process.",
        exception);

    private TResult Run<TState, TResult>(
        string operation, bool write, TState state, Func<SqliteVigilStorage, SqliteSession, TState, TResult> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        SqliteSession? session = null;
        var reusable = false;
        CancellationTokenRegistration registration = default;
        try
        {
            session = _pool.Rent();
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.Register(static s => ((SqliteSession)s!).Interrupt(), session);
            }

            if (write)
            {
                session.BeginImmediate();
            }
            else
            {
                session.BeginRead();
            }

            TResult result;
            try
            {
                result = work(this, session, state);
                session.Commit();
            }
            catch
            {
                session.TryRollback();
                throw;
            }

            reusable = true;
            return result;
        }
        catch (SqliteException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"The SQLite storage call {operation} was cancelled.", ex, cancellationToken);
        }
        catch (SqliteException ex)
        {
            Log.CallFailed(_logger, operation, _options.Path, ex);
            var hint = ex.SqliteErrorCode is 5 or 6 /* SQLITE_BUSY, SQLITE_LOCKED */
                ? $" Another process held the database longer than SqliteStorageOptions.BusyTimeout ({_options.BusyTimeout.TotalSeconds:0.###} s)."
                : string.Empty;
            throw new StorageUnavailableException(
                $"The SQLite storage '{_options.Path}' failed to {operation}: {ex.Message.TrimEnd('.')} (SQLite error {ex.SqliteErrorCode}/{ex.SqliteExtendedErrorCode}).{hint}",
                ex);
        }
        finally
        {
            registration.Dispose();
            if (session is not null)
            {
                if (reusable)
                {
                    _pool.Return(session);
                }
                else
                {
                    // A session that saw an error may hold a broken statement or connection: close it.
                    session.Dispose();
                }
            }
        }
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    // ---- Disposal --------------------------------------------------------------------------------------------------------

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopChangePollerAsync().ConfigureAwait(false);
        _pool.Dispose();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        StopChangePollerAsync().AsTask().GetAwaiter().GetResult();
        _pool.Dispose();
    }
}
