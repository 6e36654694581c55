using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vigil.Realtime;
using Vigil.Redis.Connection;
using Vigil.Redis.Scripts;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <summary>
/// The Redis Streams storage engine. A stream and consumer group per queue carry ready tasks to workers; task records,
/// indexes, delayed tasks and leases live in hashes and sorted sets of the queue's hash slot; Lua scripts make each
/// state change one atomic step. Lease expiry and due times follow the injected <see cref="TimeProvider"/>, not
/// Redis's idle clock, so tests can drive them.
/// </summary>
internal sealed partial class RedisVigilStorage : IVigilStorage, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// The data model's version. 2: no global key inside a queue script (Cluster): creation order and idempotency keys
    /// moved out of <c>{P}:order</c> and <c>{P}:idem</c>, running tasks listed by the lease set.
    /// </summary>
    private const string SchemaVersion = "2";

    private readonly RedisStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly WakeSignals _wake = new();
    private readonly RedisValue _statTtl;
    private readonly RedisValue _finTtl;
    private readonly GroupCommit<VigilEvent, bool> _events;
    private readonly RedisKey[] _eventsKeys;
    private int _initialized;
    private Task _subscription = Task.CompletedTask;
    private volatile bool _cluster;

    public RedisVigilStorage(RedisStorageOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Vigil.Redis.RedisStorage");
        _connection = new RedisConnection(options, timeProvider, _logger);
        _connection.Connected += OnConnected;
        _keys = new RedisKeys(options.KeyPrefix);
        _statTtl = (long)options.StatisticsExpiry.TotalSeconds;
        _finTtl = (long)options.FinishedTaskExpiry.TotalSeconds;
        _events = new GroupCommit<VigilEvent, bool>(SendEventsAsync, MaxEventBatch);
        _eventsKeys = [_keys.Events];
        _handOffChannelName = _keys.GlobalTag + ":hand:" + Guid.NewGuid().ToString("N");
        _handOffChannel = RedisChannel.Literal(_handOffChannelName);
    }

    public string EngineName => "redis";

    public string Location => _connection.Location;

    internal RedisKeys Keys => _keys;

    /// <summary>Whether the connected Redis is a Cluster: then each slot's scripts go apart, after the global writes.</summary>
    private bool IsCluster => _cluster;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);

        // Be subscribed to the wake-up channel before the first wait, so no enqueue's message is missed. A slow
        // subscription is not fatal: WaitForWorkAsync looks for ready work itself before it waits.
        try
        {
            await Volatile.Read(ref _subscription).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.SubscribeFailed(_logger, $"no answer within {_options.OperationTimeout}");
        }

        var server = multiplexer.GetServers().FirstOrDefault(s => s.IsConnected) ?? multiplexer.GetServers().FirstOrDefault();
        if (server is not null && server.Version < new Version(6, 2))
        {
            throw new InvalidOperationException(
                $"Redis at {Location} is version {server.Version}; Vigil needs Redis 6.2 or newer (streams with XAUTOCLAIM and exclusive ranges): upgrade redis-server.");
        }

        var existing = await RunAsync("initialize", db => db.StringGetAsync(_keys.Version), cancellationToken).ConfigureAwait(false);
        if (existing.IsNull)
        {
            await RunAsync("initialize", db => db.StringSetAsync(_keys.Version, SchemaVersion, when: When.NotExists), cancellationToken).ConfigureAwait(false);
        }
        else if (existing != SchemaVersion)
        {
            throw new InvalidOperationException(
                $"Redis keys with prefix '{_options.KeyPrefix}' at {Location} hold Vigil schema version '{existing}', but this Vigil knows version {SchemaVersion}: use another KeyPrefix or upgrade Vigil.");
        }

        await LearnScriptHashesAsync(server, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _initialized, 1) == 0)
        {
            _connection.StartWatchdog();
        }
    }

    /// <summary>
    /// Loads every script into the server (all in one pipelined step) and keeps the SHA-1 names Redis answers, so the hot
    /// path sends <c>EVALSHA</c>. Every script, even when an earlier storage of this process learned its SHA-1 already
    /// (another server, or this one before a restart): else each script's first call here would be a <c>NOSCRIPT</c>
    /// error and a second send of its text. Other servers (cluster nodes, a failed-over replica) load a script on their
    /// first <c>NOSCRIPT</c>.
    /// </summary>
    private async Task LearnScriptHashesAsync(IServer? server, CancellationToken cancellationToken)
    {
        if (server is null)
        {
            return;
        }

        var scripts = RedisScripts.All;
        try
        {
            var hashes = await Cancellable(Task.WhenAll(scripts.Select(s => server.ScriptLoadAsync(s.Text))), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < scripts.Count; i++)
            {
                if (scripts[i].Hash is null)
                {
                    scripts[i].Learn(hashes[i]);
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("initialize", ex);
        }
    }

    public async Task ResetConnectionAsync(CancellationToken cancellationToken)
    {
        Log.ResetRequested(_logger);
        try
        {
            await _connection.RebuildAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            // The contract: a failed rebuild is logged, not thrown; the watchdog keeps trying.
            _connection.ReportFailure("reset connection", ex.Message);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    public void Dispose() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /// <summary>Microseconds since the Unix epoch: the one time unit stored in Redis (exact in Lua's doubles).</summary>
    internal static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    internal static DateTimeOffset? FromMicros(RedisValue value) =>
        value.IsNullOrEmpty ? null : FromMicros(long.Parse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture));

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The index of a queue script's first own argument, after the common ones.</summary>
    private const int FirstArg = 7;

    /// <summary>The seven arguments every queue script starts with (see <see cref="LuaScripts"/>).</summary>
    private RedisValue[] QueueArgs(string queue, DateTimeOffset now, int extra)
    {
        var args = new RedisValue[FirstArg + extra];
        args[0] = _keys.Prefix;
        var micros = ToMicros(now);
        args[1] = micros;
        args[2] = micros - (micros % 60_000_000);
        args[3] = _statTtl;
        args[4] = _finTtl;
        args[5] = queue;
        args[6] = _keys.WakeChannelName;
        return args;
    }

    /// <summary>
    /// Runs one storage call on the shared connection. The per-call timeout is StackExchange.Redis's own async timeout
    /// (set to <see cref="RedisStorageOptions.OperationTimeout"/>), which fails the call with a timeout exception here;
    /// connection errors become <see cref="StorageUnavailableException"/> and open one logged incident.
    /// </summary>
    private async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await Cancellable(action(multiplexer.GetDatabase()), cancellationToken).ConfigureAwait(false);
            _connection.ReportSuccess();
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(operation, ex);
        }
    }

    /// <summary>
    /// A Redis call the caller may stop waiting for (the command itself cannot be taken back once sent); an uncancellable
    /// token costs no wrapper task on the hot path.
    /// </summary>
    private static Task<T> Cancellable<T>(Task<T> call, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? call.WaitAsync(cancellationToken) : call;

    /// <summary>
    /// Runs one script on the shared connection, like <see cref="RunAsync{T}"/> but without its delegate: the per-task
    /// calls (claim, complete, events) take this path, one async step and no closure per call.
    /// </summary>
    private async Task<RedisResult> RunScriptAsync(string operation, RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var db = multiplexer.GetDatabase();
            RedisResult result;
            var hash = script.Hash;
            try
            {
                result = hash is null
                    ? await Cancellable(db.ScriptEvaluateAsync(script.Text, keys, args), cancellationToken).ConfigureAwait(false)
                    : await Cancellable(db.ScriptEvaluateAsync(hash, keys, args), cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException ex) when (hash is not null && RedisScript.IsNoScript(ex))
            {
                // A restarted or new server: send the text once; Redis caches it for the EVALSHA calls that follow.
                result = await Cancellable(db.ScriptEvaluateAsync(script.Text, keys, args), cancellationToken).ConfigureAwait(false);
            }

            _connection.ReportSuccess();
            return result;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(operation, ex);
        }
    }

    private StorageUnavailableException Unavailable(string operation, Exception ex)
    {
        var reason = ex switch
        {
            RedisTimeoutException or TimeoutException => $"no answer within {_options.OperationTimeout.TotalSeconds:0.###} s",
            ObjectDisposedException => "the connection was replaced while the call ran",
            _ => FirstLine(ex.Message),
        };
        _connection.ReportFailure(operation, reason);
        return new StorageUnavailableException($"Redis at {Location} did not complete '{operation}': {reason}. Nothing of this call was acknowledged; try again when Redis is reachable.", ex);
    }

    private static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or ObjectDisposedException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("NOAUTH", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }

    private void OnConnected(ConnectionMultiplexer multiplexer)
    {
        _cluster = multiplexer.GetServers().Any(s => s.ServerType == ServerType.Cluster);

        // Subscribe the wake-up and hand-off channels on every new multiplexer (first connection and each rebuild).
        Volatile.Write(ref _handOffSubscriber, null);
        WatchSubscription(multiplexer);
        Volatile.Write(ref _subscription, SubscribeAsync(multiplexer));
    }

    private async Task SubscribeAsync(ConnectionMultiplexer multiplexer)
    {
        try
        {
            var subscriber = multiplexer.GetSubscriber();
            var wake = subscriber.SubscribeAsync(_keys.WakeChannel, (_, queue) => _wake.Signal(queue.ToString()));
            var handOff = HandOffEnabled ? subscriber.SubscribeAsync(_handOffChannel, (_, message) => OnHandOff(multiplexer, message)) : Task.CompletedTask;
            await Task.WhenAll(wake, handOff).ConfigureAwait(false);
            if (HandOffEnabled && ReferenceEquals(_connection.Current, multiplexer))
            {
                Volatile.Write(ref _handOffSubscriber, subscriber);
            }

            _wake.SignalAll(); // anything enqueued while unsubscribed is found by the next claim
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or TimeoutException)
        {
            Log.SubscribeFailed(_logger, ex.Message);
        }
    }
}
