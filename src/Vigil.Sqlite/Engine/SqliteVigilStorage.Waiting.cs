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

    /// <summary>Samples without a change after which the change poller sleeps until the file is written.</summary>
    private const int QuietPollsBeforeSleep = 4;

    /// <summary>While the poller sleeps on file notifications, it still samples this often, in case one is lost.</summary>
    private static readonly TimeSpan WatchedFallbackInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a write notification whose commit is not visible yet, how often the poller samples (for
    /// <see cref="FastSamplesAfterWrite"/> samples) before it falls back to the configured interval.
    /// </summary>
    private static readonly TimeSpan FastSampleInterval = TimeSpan.FromMilliseconds(1);

    /// <summary>How many fast samples follow a write notification: a commit lands within a few milliseconds of its first write.</summary>
    private const int FastSamplesAfterWrite = 5;

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

        // Counted before the poller starts, so its first round already sees someone waiting and samples at once.
        Interlocked.Increment(ref _activeWaits);
        try
        {
            EnsureChangePoller();
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

            // Cancel, not CancelAsync: stopping the delay's timer here is cheap; CancelAsync would resume this method on
            // the thread pool, one thread hop more after the wake-up.
            stopWaiting.Cancel();
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
    /// <para>
    /// The cadence is real time (<see cref="TimeProvider.System"/>), not the injected clock: it samples a file, it is not
    /// a time the contract defines, and under a test clock other processes' work must still be noticed. It only touches
    /// the file while someone waits.
    /// </para>
    /// <para>
    /// Sampling every <see cref="SqliteStorageOptions.ChangePollInterval"/> all the time cost an idle worker about 0.7 % of
    /// a core (twenty wake-ups and statements a second). So after <see cref="QuietPollsBeforeSleep"/> samples without a
    /// change the poller sleeps until the file is written (<see cref="DatabaseFileWatcher"/>), then samples at the
    /// interval again: a commit is still noticed within about one interval, and an idle file costs nothing. Without a
    /// watcher (no inotify, or its limits reached) it samples at the interval as before; with one, it still samples once
    /// every <see cref="WatchedFallbackInterval"/>, in case a notification is lost.
    /// </para>
    /// </remarks>
    private async Task PollForChangesAsync(CancellationToken stoppingToken)
    {
        SqliteConnection? connection = null;
        SqliteCommand? version = null;
        var connectionGeneration = 0;
        long? lastVersion = null;
        var quietPolls = 0;
        var fastSamples = 0;
        var sampledOnce = false;
        using var watcher = DatabaseFileWatcher.TryCreate(_options.Path);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Armed before the first check, so a commit between the check and the wait still ends the wait.
                var written = watcher is not null && quietPolls >= QuietPollsBeforeSleep && Volatile.Read(ref _activeWaits) > 0
                    ? watcher.Arm()
                    : null;
                var checkFirst = written is not null;

                try
                {
                    if (written is null)
                    {
                        if (fastSamples > 0)
                        {
                            // A write was just seen but its commit not yet: sample again within a millisecond or two.
                            fastSamples--;
                            await Task.Delay(FastSampleInterval, TimeProvider.System, stoppingToken).ConfigureAwait(false);
                        }
                        else if (sampledOnce && watcher?.Arm() is { } early)
                        {
                            // Sampling at the interval, but a write ends the wait early. Without this, the sampling phase
                            // locks onto the worker's own commits and another process's enqueue waits a whole interval.
                            using var stopInterval = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                            var interval = Task.Delay(_options.ChangePollInterval, TimeProvider.System, stopInterval.Token);
                            await Task.WhenAny(early, interval).ConfigureAwait(false);
                            // Cancel, not CancelAsync: see WaitForWorkAsync.
                            stopInterval.Cancel();
                            stoppingToken.ThrowIfCancellationRequested();
                            if (early.IsCompleted)
                            {
                                fastSamples = FastSamplesAfterWrite;
                            }
                        }
                        else if (sampledOnce)
                        {
                            await Task.Delay(_options.ChangePollInterval, TimeProvider.System, stoppingToken).ConfigureAwait(false);
                        }

                        // Otherwise this is the first round: sample at once, so a commit made just before the poller
                        // started does not wait a whole interval.
                    }

                    sampledOnce = true;
                    if (Volatile.Read(ref _activeWaits) == 0)
                    {
                        // Nobody waits (a busy worker): stop watching, so its own writes cost no notifications.
                        watcher?.Disarm();
                        lastVersion = null;
                        quietPolls = 0;
                        fastSamples = 0;
                        continue;
                    }

                    while (true)
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
                        if (current != lastVersion)
                        {
                            lastVersion = current;
                            quietPolls = 0;
                            fastSamples = 0;
                            SignalQueuesWithWork(connection);
                            break;
                        }

                        // Fast samples after a write do not count as quiet: the commit is on its way.
                        if (fastSamples == 0)
                        {
                            quietPolls++;
                        }

                        if (written is null || !checkFirst)
                        {
                            break;
                        }

                        // Nothing changed yet: sleep until the file is written (or the fallback), then check again.
                        checkFirst = false;
                        using var stopFallback = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        var fallback = Task.Delay(WatchedFallbackInterval, TimeProvider.System, stopFallback.Token);
                        await Task.WhenAny(written, fallback).ConfigureAwait(false);
                        // Cancel, not CancelAsync: see WaitForWorkAsync.
                        stopFallback.Cancel();
                        stoppingToken.ThrowIfCancellationRequested();
                        if (written.IsCompleted)
                        {
                            // Written: sample quickly, then at the interval for a while (the commit may not be visible yet).
                            quietPolls = 0;
                            fastSamples = FastSamplesAfterWrite;
                        }

                        if (Volatile.Read(ref _activeWaits) == 0)
                        {
                            lastVersion = null;
                            break;
                        }
                    }
                }
                catch (SqliteException ex)
                {
                    // Keep watching: a locked or briefly unreachable file must not end wake-ups for good; waiters still
                    // return at their maxWait meanwhile.
                    Log.ChangePollFailed(_logger, _options.Path, ex);
                    version?.Dispose();
                    connection?.Dispose();
                    (version, connection, lastVersion, quietPolls) = (null, null, null, 0);
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
