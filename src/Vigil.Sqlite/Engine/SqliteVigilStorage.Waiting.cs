using Microsoft.Data.Sqlite;
using Vigil.Sqlite.Connections;

namespace Vigil.Sqlite.Engine;

internal sealed partial class SqliteVigilStorage
{
    private readonly object _pollerLock = new();
    private CancellationTokenSource? _pollerStop;
    private Task? _poller;
    private int _activeWaits;
    private int _pollerConnectionGeneration;

    /// <remarks>
    /// Wakes at once for an enqueue by this process (the file's in-process signal), within
    /// <see cref="SqliteStorageOptions.ChangePollInterval"/> for another process's commit (a dedicated connection watches
    /// <c>PRAGMA data_version</c>), at the due time of the earliest scheduled task, retry or lease expiry of the queues,
    /// and otherwise after <paramref name="maxWait"/> on the injected clock. Cancellation ends the wait without throwing.
    /// </remarks>
    public async ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        if (maxWait <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        // Subscribe before looking, so an enqueue committed between the look and the wait still wakes us.
        var wakeUps = new Task[queues.Count + 1];
        for (var i = 0; i < queues.Count; i++)
        {
            wakeUps[i] = _hub.WhenSignaled(queues[i]);
        }

        EnsureChangePoller();
        Interlocked.Increment(ref _activeWaits);
        try
        {
            var nextReadyAt = await ReadAsync("look for work", queues, static (self, session, queues) => NextReadyAt(session, queues), cancellationToken)
                .ConfigureAwait(false);
            var now = NowMs();
            if (nextReadyAt <= now)
            {
                return;
            }

            var wait = nextReadyAt is { } at && TimeSpan.FromMilliseconds(at - now) < maxWait ? TimeSpan.FromMilliseconds(at - now) : maxWait;
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wakeUps[^1] = Task.Delay(wait, _timeProvider, stopWaiting.Token);
            await Task.WhenAny(wakeUps).ConfigureAwait(false);
            await stopWaiting.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The contract lets a cancelled wait return quietly; the caller checks its token.
        }
        finally
        {
            Interlocked.Decrement(ref _activeWaits);
        }
    }

    /// <summary>The earliest time a task of <paramref name="queues"/> is or becomes claimable, or <see langword="null"/>.</summary>
    private static long? NextReadyAt(SqliteSession session, IReadOnlyList<string> queues)
    {
        long? earliest = null;
        var command = session.Command("SELECT MIN(available_at) FROM vigil_tasks WHERE queue = $queue AND available_at IS NOT NULL");
        foreach (var queue in queues)
        {
            if (command.Bind("$queue", queue).ExecuteInt64() is { } at && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }

        return earliest;
    }

    private void EnsureChangePoller()
    {
        if (_poller is not null)
        {
            return;
        }

        lock (_pollerLock)
        {
            if (_poller is null && !_disposed)
            {
                _pollerStop = new CancellationTokenSource();
                _poller = Task.Run(() => PollForChangesAsync(_pollerStop.Token));
            }
        }
    }

    private async ValueTask StopChangePollerAsync()
    {
        Task? poller;
        lock (_pollerLock)
        {
            poller = _poller;
            _pollerStop?.Cancel();
        }

        if (poller is not null)
        {
            await poller.ConfigureAwait(false);
        }

        _pollerStop?.Dispose();
    }

    /// <summary>
    /// Notices other processes' commits: <c>PRAGMA data_version</c> changes when another connection commits to the file.
    /// On a change, the queues this process waits on are checked, and those with claimable work are signaled.
    /// </summary>
    /// <remarks>
    /// The cadence is real time (<see cref="TimeProvider.System"/>), not the injected clock: it samples a file, it is not
    /// a time the contract defines, and under a test clock other processes' work must still be noticed. It only touches
    /// the file while someone waits.
    /// </remarks>
    private async Task PollForChangesAsync(CancellationToken stoppingToken)
    {
        SqliteConnection? connection = null;
        SqliteCommand? version = null;
        var connectionGeneration = 0;
        long? lastVersion = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_options.ChangePollInterval, TimeProvider.System, stoppingToken).ConfigureAwait(false);
                if (Volatile.Read(ref _activeWaits) == 0)
                {
                    lastVersion = null;
                    continue;
                }

                try
                {
                    // After ResetConnectionAsync the watcher's connection is replaced too.
                    var generation = Volatile.Read(ref _pollerConnectionGeneration);
                    if (connection is not null && generation != connectionGeneration)
                    {
                        version?.Dispose();
                        connection.Dispose();
                        (version, connection) = (null, null);
                    }

                    if (connection is null)
                    {
                        connectionGeneration = generation;
                        connection = _pool.OpenDedicated();
                        version = connection.CreateCommand();
                        version.CommandText = "PRAGMA data_version";
                    }

                    var current = Convert.ToInt64(version!.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                    if (current == lastVersion)
                    {
                        continue;
                    }

                    lastVersion = current;
                    SignalQueuesWithWork(connection);
                }
                catch (SqliteException ex)
                {
                    // Keep watching: a locked or briefly unreachable file must not end wake-ups for good; waiters still
                    // return at their maxWait meanwhile.
                    Log.ChangePollFailed(_logger, _options.Path, ex);
                    version?.Dispose();
                    connection?.Dispose();
                    (version, connection, lastVersion) = (null, null, null);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            version?.Dispose();
            connection?.Dispose();
        }
    }

    private void SignalQueuesWithWork(SqliteConnection connection)
    {
        var waited = _hub.WaitedQueues();
        if (waited.Count == 0)
        {
            return;
        }

        using var ready = connection.CreateCommand();
        ready.CommandText = AnyClaimableSql;
        var queue = ready.Parameters.Add("$queue", SqliteType.Text);
        ready.Parameters.AddWithValue("$now", NowMs());
        foreach (var name in waited)
        {
            queue.Value = name;
            if (ready.ExecuteScalar() is not null)
            {
                _hub.Signal(name);
            }
        }
    }
}
