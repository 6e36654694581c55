using System.Diagnostics;
using System.Globalization;

namespace Vigil.Testing;

/// <summary>
/// A real Redis Cluster for tests: three masters (no replicas) on free 127.0.0.1 ports, each a <see cref="RedisServer"/>
/// started with <c>--cluster-enabled yes</c>, joined with <c>redis-cli --cluster create</c>, and awaited until every node
/// reports <c>cluster_state:ok</c> and knows all slots (bounded). Use one per test class or collection
/// (<c>ICollectionFixture&lt;RedisCluster&gt;</c>) and a unique key prefix per test.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable, IDisposable
{
    private const int Masters = 3;
    private const int SlotCount = 16384;
    private readonly List<RedisServer> _nodes = [];

    /// <summary>Starts a three-master cluster. The one public constructor, so xUnit can create it as a fixture.</summary>
    public RedisCluster()
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

    /// <summary>The nodes, all masters, in the order they were started.</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>A StackExchange.Redis configuration string naming every node: <c>127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3</c>.</summary>
    public string Configuration => string.Join(",", _nodes.Select(n => n.EndPoint));

    /// <summary>The hash slot of <paramref name="key"/> (<c>CLUSTER KEYSLOT</c>, so the hash-tag rule is Redis's own).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The slot, 0–16383.</returns>
    public async Task<int> KeySlotAsync(string key) =>
        (int)(long)(await _nodes[0].CommandAsync("CLUSTER", "KEYSLOT", key).ConfigureAwait(false))!;

    /// <summary>The node that serves <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The node.</returns>
    public async Task<RedisServer> NodeOfAsync(string key)
    {
        var slot = await KeySlotAsync(key).ConfigureAwait(false);
        var ranges = (List<object?>)(await _nodes[0].CommandAsync("CLUSTER", "SLOTS").ConfigureAwait(false))!;
        foreach (List<object?> range in ranges.Cast<List<object?>>())
        {
            if ((long)range[0]! <= slot && slot <= (long)range[1]!)
            {
                var port = (int)(long)((List<object?>)range[2]!)[1]!;
                return _nodes.Single(n => n.Port == port);
            }
        }

        throw new InvalidOperationException($"No node serves slot {slot} of key '{key}'.");
    }

    /// <summary>The keys matching <paramref name="pattern"/> on one node (<c>KEYS</c>: tests only).</summary>
    /// <param name="node">The node.</param>
    /// <param name="pattern">The glob pattern.</param>
    /// <returns>The key names.</returns>
    public static async Task<List<string>> KeysAsync(RedisServer node, string pattern)
    {
        ArgumentNullException.ThrowIfNull(node);
        return ((List<object?>)(await node.CommandAsync("KEYS", pattern).ConfigureAwait(false))!).Cast<string>().ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StartAsync()
    {
        for (var i = 0; i < Masters; i++)
        {
            _nodes.Add(await RedisServer.StartAsync(new RedisServerOptions
            {
                ExtraArguments = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"],
            }).ConfigureAwait(false));
        }

        await CreateAsync().ConfigureAwait(false);
        foreach (var node in _nodes)
        {
            await Poll.UntilAsync(
                async () =>
                {
                    var info = (string?)await node.CommandAsync("CLUSTER", "INFO").ConfigureAwait(false) ?? string.Empty;
                    return info.Contains("cluster_state:ok", StringComparison.Ordinal)
                        && info.Contains($"cluster_slots_assigned:{SlotCount}", StringComparison.Ordinal)
                        && info.Contains($"cluster_known_nodes:{Masters}", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(30),
                $"node {node.EndPoint} to report cluster_state:ok with all {SlotCount} slots and {Masters} nodes").ConfigureAwait(false);
        }
    }

    private async Task CreateAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            start.ArgumentList.Add(node.EndPoint);
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-cli.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-cli --cluster create did not finish within 60 s: {await output.ConfigureAwait(false)}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"redis-cli --cluster create exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
    }
}
