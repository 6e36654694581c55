using System.Globalization;

namespace Vigil.Testing;

/// <summary>
/// Redis behind Sentinel for tests: one <see cref="RedisServer"/> master and one <c>redis-server --sentinel</c> that
/// monitors it as <see cref="ServiceName"/> (quorum 1), both on free 127.0.0.1 ports, awaited until the sentinel names
/// the master (bounded). Clients connect through the sentinel: <see cref="Configuration"/>.
/// </summary>
public sealed class RedisSentinel : IAsyncDisposable, IDisposable
{
    /// <summary>The monitored service's name: <c>mymaster</c>.</summary>
    public const string ServiceName = "mymaster";

    private readonly TempDirectory _directory = new("sentinel");
    private RedisServer? _master;
    private ChildProcess? _sentinel;

    /// <summary>Starts the master and the sentinel. The one public constructor, so xUnit can create it as a fixture.</summary>
    public RedisSentinel()
    {
        try
        {
            StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The master.</summary>
    public RedisServer Master => _master ?? throw new InvalidOperationException("Not started.");

    /// <summary>The sentinel's port on 127.0.0.1.</summary>
    public int SentinelPort { get; } = FreePort.Next();

    /// <summary>
    /// A StackExchange.Redis configuration string that reaches the master through the sentinel:
    /// <c>127.0.0.1:SENTINELPORT,serviceName=mymaster</c>.
    /// </summary>
    public string Configuration => $"127.0.0.1:{SentinelPort.ToString(CultureInfo.InvariantCulture)},serviceName={ServiceName}";

    /// <summary>Everything the sentinel wrote so far, for failure messages.</summary>
    public string SentinelOutput => _sentinel?.Output ?? string.Empty;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_sentinel is not null)
        {
            await _sentinel.DisposeAsync().ConfigureAwait(false);
        }

        if (_master is not null)
        {
            await _master.DisposeAsync().ConfigureAwait(false);
        }

        _directory.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StartAsync()
    {
        _master = await RedisServer.StartAsync(new RedisServerOptions()).ConfigureAwait(false);

        // Sentinel rewrites its configuration file, so it gets its own writable copy in the temp folder.
        var config = _directory.File("sentinel.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"port {SentinelPort.ToString(CultureInfo.InvariantCulture)}",
            "bind 127.0.0.1",
            $"dir {_directory.Path}",
            $"sentinel monitor {ServiceName} 127.0.0.1 {_master.Port.ToString(CultureInfo.InvariantCulture)} 1",
            $"sentinel down-after-milliseconds {ServiceName} 5000",
        ]).ConfigureAwait(false);
        _sentinel = ChildProcess.Start("/usr/bin/redis-server", [config, "--sentinel"]);

        await Poll.UntilAsync(
            async () =>
            {
                if (_sentinel.HasExited)
                {
                    throw new InvalidOperationException($"redis-server --sentinel exited: {_sentinel.Output}");
                }

                var address = await RespClient.CommandAsync(SentinelPort, null, TimeSpan.FromSeconds(2), "SENTINEL", "get-master-addr-by-name", ServiceName).ConfigureAwait(false);
                return address is List<object?> { Count: 2 } pair && Equals(pair[1], _master.Port.ToString(CultureInfo.InvariantCulture));
            },
            TimeSpan.FromSeconds(30),
            $"the sentinel on port {SentinelPort} to name the master of '{ServiceName}'").ConfigureAwait(false);
    }
}
