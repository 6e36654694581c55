namespace Vigil.Sqlite.Engine;

/// <summary>
/// Tells the change poller that the database file or its WAL was written (inotify on Linux, through
/// <see cref="FileSystemWatcher"/>), so an idle poller can sleep until something happens instead of sampling
/// <c>PRAGMA data_version</c> twenty times a second.
/// </summary>
/// <remarks>
/// Armed only while the poller is idle: during a drain the file is written thousands of times a second, and each
/// notification would cost a callback. A notification can come before the commit is visible (the WAL frames are written
/// before the WAL index), so the poller samples <c>data_version</c> for a while after one instead of once.
/// </remarks>
internal sealed class DatabaseFileWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DatabaseFileWatcher(FileSystemWatcher watcher)
    {
        _watcher = watcher;
        _watcher.Changed += (_, _) => _changed.TrySetResult();
        _watcher.Created += (_, _) => _changed.TrySetResult();

        // A lost notification (queue overflow, watch removed) must not leave the poller asleep: treat it as a change.
        _watcher.Error += (_, _) => _changed.TrySetResult();
    }

    /// <summary>A watcher of <paramref name="databasePath"/> and its <c>-wal</c>/<c>-journal</c> files, or <see langword="null"/> where none can be made.</summary>
    public static DatabaseFileWatcher? TryCreate(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath);
        var name = Path.GetFileName(databasePath);
        if (string.IsNullOrEmpty(folder) || string.IsNullOrEmpty(name) || !Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            return new DatabaseFileWatcher(new FileSystemWatcher(folder, name + "*")
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
                IncludeSubdirectories = false,
            });
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Starts watching; the task completes at the next write to the files (or a lost notification).</summary>
    /// <returns>The task, or <see langword="null"/> when watching could not start (inotify limits): the caller polls.</returns>
    public Task? Arm()
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _changed, changed);
        try
        {
            // Stays enabled across arms while someone waits: toggling it re-creates the inotify watch every time.
            if (!_watcher.EnableRaisingEvents)
            {
                _watcher.EnableRaisingEvents = true;
            }

            return changed.Task;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException or FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Stops watching (cheap to arm again).</summary>
    public void Disarm()
    {
        try
        {
            _watcher.EnableRaisingEvents = false;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Already stopped or disposed: nothing is watched any more either way.
        }
    }

    public void Dispose() => _watcher.Dispose();
}
