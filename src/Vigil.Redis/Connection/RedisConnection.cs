using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vigil.Storage;

namespace Vigil.Redis.Connection;

/// <summary>
/// Owns the one shared <see cref="ConnectionMultiplexer"/>: connects with specific error messages, pings it on a
/// watchdog timer, and replaces it after repeated failures instead of waiting on a half-open socket.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _template;
    private readonly RedisStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private ITimer? _watchdog;
    private int _pinging;
    private int _failedPings;
    private int _incident;
    private long _incidentStarted;
    private long _lastSuccessAt;
    private bool _loggedConnected;
    private StorageUnavailableException? _lastConnectFailure;
    private long _lastConnectFailureAt;
    private volatile bool _disposed;

    public RedisConnection(RedisStorageOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _template = RedisConfigurationParser.Parse(options.Configuration);
        Location = RedisConfigurationParser.Describe(_template);
    }

    /// <summary>Raised with each new multiplexer (first connection and every rebuild), to subscribe again.</summary>
    public event Action<ConnectionMultiplexer>? Connected;

    /// <summary><c>host:port</c> of the configured endpoints, without secrets.</summary>
    public string Location { get; }

    /// <summary>The multiplexer, connecting first if there is none.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A connected (or reconnecting) multiplexer.</returns>
    /// <exception cref="StorageUnavailableException">No connection could be made (the message says why).</exception>
    public ValueTask<ConnectionMultiplexer> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _multiplexer);
        return current is not null ? new ValueTask<ConnectionMultiplexer>(current) : new ValueTask<ConnectionMultiplexer>(ConnectAsync(null, cancellationToken));
    }

    /// <summary>The current multiplexer, or <see langword="null"/> while there is none (never connected, or being rebuilt).</summary>
    public ConnectionMultiplexer? Current => Volatile.Read(ref _multiplexer);

    /// <summary>Starts the watchdog (idempotent).</summary>
    public void StartWatchdog()
    {
        if (_watchdog is null && !_disposed)
        {
            var timer = _timeProvider.CreateTimer(static s => ((RedisConnection)s!).OnWatchdogTick(), this, _options.PingInterval, _options.PingInterval);
            if (Interlocked.CompareExchange(ref _watchdog, timer, null) is not null)
            {
                timer.Dispose();
            }
        }
    }

    /// <summary>Drops the current multiplexer and connects a new one.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the new connection is made.</returns>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(Volatile.Read(ref _multiplexer), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that a call succeeded: ends an open incident (logged once).</summary>
    public void ReportSuccess()
    {
        Volatile.Write(ref _lastSuccessAt, _timeProvider.GetTimestamp());
        if (Volatile.Read(ref _incident) == 1 && Interlocked.Exchange(ref _incident, 0) == 1)
        {
            Log.IncidentEnded(_logger, Location, _timeProvider.GetElapsedTime(Interlocked.Read(ref _incidentStarted)));
        }
    }

    /// <summary>Records that a call failed for connection reasons: opens an incident (logged once, not per call).</summary>
    /// <param name="operation">What failed.</param>
    /// <param name="reason">Why.</param>
    public void ReportFailure(string operation, string reason)
    {
        if (Interlocked.Exchange(ref _incident, 1) == 0)
        {
            Interlocked.Exchange(ref _incidentStarted, _timeProvider.GetTimestamp());
            Log.IncidentStarted(_logger, Location, operation, reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _watchdog?.Dispose();
        var multiplexer = Interlocked.Exchange(ref _multiplexer, null);
        if (multiplexer is not null)
        {
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConnectionMultiplexer? replace, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _multiplexer);
            if (current is not null && current != replace)
            {
                return current; // another caller connected or rebuilt meanwhile
            }

            // While a connect attempt failed moments ago, calls fail fast with its reason rather than each waiting a
            // connect timeout in turn; the watchdog keeps trying meanwhile. Real time: network timeouts are real.
            var lastFailure = _lastConnectFailure;
            if (replace is null && lastFailure is not null
                && TimeProvider.System.GetElapsedTime(_lastConnectFailureAt) < _options.ConnectTimeout)
            {
                throw new StorageUnavailableException(lastFailure.Message, lastFailure);
            }

            ConnectionMultiplexer multiplexer;
            try
            {
                multiplexer = await ConnectNewAsync().ConfigureAwait(false);
            }
            catch (StorageUnavailableException ex)
            {
                _lastConnectFailure = ex;
                _lastConnectFailureAt = TimeProvider.System.GetTimestamp();
                throw;
            }

            _lastConnectFailure = null;
            var old = Interlocked.Exchange(ref _multiplexer, multiplexer);
            Interlocked.Exchange(ref _failedPings, 0);
            if (old is not null)
            {
                // The old socket may be half-open: close it without waiting for its pending commands, which fail
                // with a connection error and are retried by their callers.
                _ = DisposeQuietlyAsync(old);
                Log.Rebuilt(_logger, Location);
            }
            else if (!_loggedConnected)
            {
                _loggedConnected = true;
                Log.Connected(_logger, Location, _options.KeyPrefix, _options.OperationTimeout, _options.PingInterval, _options.FailuresBeforeReconnect);
            }

            Connected?.Invoke(multiplexer);
            return multiplexer;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<ConnectionMultiplexer> ConnectNewAsync()
    {
        var configuration = _template.Clone();

        // Fail the first connect with a reason instead of retrying forever in the background; once connected, the
        // multiplexer reconnects by itself after a clean disconnect, and the watchdog covers the silent ones.
        configuration.AbortOnConnectFail = true;
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = (int)_options.ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)_options.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)_options.OperationTimeout.TotalMilliseconds;
        configuration.ClientName ??= "vigil";

        // While disconnected, fail calls at once instead of queueing them until a reconnect: an enqueue that cannot be
        // stored must say so now, not after the timeout.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;

        try
        {
            var connect = ConnectionMultiplexer.ConnectAsync(configuration);

            // Bounded even if the library's own timeout does not fire (a peer that accepts and then says nothing).
            return await connect.WaitAsync(_options.ConnectTimeout * 2 + TimeSpan.FromSeconds(1), TimeProvider.System).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StorageUnavailableException(await DescribeConnectFailureAsync(ex, configuration).ConfigureAwait(false), ex);
        }
    }

    private async Task<string> DescribeConnectFailureAsync(Exception ex, ConfigurationOptions configuration)
    {
        if (ex is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
        {
            return CredentialsMessage();
        }

        var (finding, detail) = configuration.Ssl || configuration.EndPoints.Count == 0
            ? (ConnectionDiagnosis.Finding.Unknown, string.Empty)
            : await ConnectionDiagnosis.ProbeAsync(configuration.EndPoints[0], _options.ConnectTimeout).ConfigureAwait(false);
        var seconds = _options.ConnectTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        return finding switch
        {
            ConnectionDiagnosis.Finding.Refused or ConnectionDiagnosis.Finding.Unreachable =>
                $"Cannot connect to Redis at {Location} ({detail}, within {seconds} s): check that redis-server runs there and that the host, port and firewall are right.",
            ConnectionDiagnosis.Finding.NotRedis =>
                $"The server at {Location} does not speak the Redis protocol ({detail}): check the host and port - is it really Redis?",
            ConnectionDiagnosis.Finding.Silent =>
                $"The server at {Location} accepted the connection but did not answer within {seconds} s: it is not Redis, or the network path is broken.",
            ConnectionDiagnosis.Finding.AuthRequired => CredentialsMessage(),
            _ when ex.Message.Contains("WRONGPASS", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase) => CredentialsMessage(),
            _ => $"Cannot connect to Redis at {Location}: {FirstLine(ex.Message)}",
        };
    }

    private string CredentialsMessage() =>
        $"Redis at {Location} refused the credentials (wrong or missing password): check the password in the Redis configuration (redis://:PASSWORD@host:port or password=...).";

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }

    private static async Task DisposeQuietlyAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // Closing a dead connection may fail; there is nothing left to release.
        }
    }

    private void OnWatchdogTick()
    {
        if (_disposed)
        {
            return;
        }

        // A command answered within the last interval already proved the connection alive: an idle worker's own polls
        // make the ping redundant, and skipping it saves a round trip a second. After a failed ping (or with no
        // multiplexer) it pings on every tick until one succeeds, as before.
        if (Volatile.Read(ref _failedPings) == 0 && Volatile.Read(ref _multiplexer) is not null
            && _timeProvider.GetElapsedTime(Volatile.Read(ref _lastSuccessAt)) < _options.PingInterval)
        {
            return;
        }

        if (Interlocked.Exchange(ref _pinging, 1) == 1)
        {
            return;
        }

        _ = PingOnceAsync();
    }

    private async Task PingOnceAsync()
    {
        try
        {
            var multiplexer = Volatile.Read(ref _multiplexer);
            if (multiplexer is null)
            {
                // The last rebuild failed: keep trying to connect on every tick.
                try
                {
                    await ConnectAsync(null, CancellationToken.None).ConfigureAwait(false);
                    ReportSuccess();
                }
                catch (StorageUnavailableException ex)
                {
                    Log.RebuildFailed(_logger, Location, ex.Message);
                }

                return;
            }

            try
            {
                await multiplexer.GetDatabase().PingAsync().WaitAsync(_options.PingTimeout, _timeProvider).ConfigureAwait(false);
                Interlocked.Exchange(ref _failedPings, 0);
                ReportSuccess();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                var failures = Interlocked.Increment(ref _failedPings);
                Log.PingFailed(_logger, Location, failures, ex.Message);
                ReportFailure("ping", ex.Message);
                if (failures < _options.FailuresBeforeReconnect)
                {
                    return;
                }

                Log.Rebuilding(_logger, Location, failures);
            }

            try
            {
                await ConnectAsync(multiplexer, CancellationToken.None).ConfigureAwait(false);
                ReportSuccess();
            }
            catch (StorageUnavailableException ex)
            {
                // The path is still broken: drop the dead multiplexer so calls fail fast, and retry on the next tick.
                Log.RebuildFailed(_logger, Location, ex.Message);
                if (Interlocked.CompareExchange(ref _multiplexer, null, multiplexer) == multiplexer)
                {
                    _ = DisposeQuietlyAsync(multiplexer);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
        {
            // Disposed while pinging: the storage is shutting down.
        }
        finally
        {
            Interlocked.Exchange(ref _pinging, 0);
        }
    }
}
