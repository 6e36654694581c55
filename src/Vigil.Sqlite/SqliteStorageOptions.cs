namespace Vigil.Sqlite;

/// <summary>
/// Options of the SQLite storage engine. Set through <c>UseSqlite(path, o =&gt; ...)</c> or given to
/// <see cref="SqliteStorage.Create"/>; validated when the storage is built, every problem reported in one exception.
/// </summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// The database file. Required. A relative path is resolved against the current directory when the storage is built;
    /// a missing directory is created. Several processes on one machine may share the file.
    /// </summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// How long a statement waits for a lock that another process holds on the file (SQLite <c>busy_timeout</c>) before
    /// the call fails with <see cref="Storage.StorageUnavailableException"/>. Default 30 s.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest one storage call may take, waiting for this process's other writes and for locks included; past it
    /// the call is interrupted and fails with <see cref="Storage.StorageUnavailableException"/>. Measured in real time.
    /// Default 60 s.
    /// </summary>
    /// <remarks>
    /// A statement already waiting for another process's lock is bounded by <see cref="BusyTimeout"/> (plus up to about one
    /// second of driver retries), even when this timeout is shorter: SQLite does not interrupt its own lock wait.
    /// </remarks>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a waiting worker checks whether another process committed work to the file
    /// (<c>PRAGMA data_version</c> on one dedicated connection; in-process enqueues wake it at once). Between 5 ms and
    /// 5 s. Default 50 ms.
    /// </summary>
    /// <remarks>
    /// Where file notifications work (inotify), an idle poller stops sampling after a few unchanged samples and sleeps
    /// until the file is written (sampling once a second meanwhile), then samples at this interval again.
    /// </remarks>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The most idle connections kept open for reuse (1 to 100). Default 8.</summary>
    public int MaxIdleConnections { get; set; } = 8;

    /// <summary>
    /// Whether each commit waits for the disk (<c>synchronous=FULL</c>): durable across power loss. Otherwise
    /// (<c>synchronous=NORMAL</c> in WAL mode) a commit survives a process crash but the last commits may be lost at a
    /// power cut. Default <see langword="false"/>.
    /// </summary>
    public bool SynchronousFull { get; set; }
}
