using System.Diagnostics;
using StackExchange.Redis;

namespace Vigil.Bench.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, without persistence (a benchmark measures the engines, not the
/// disk), flushed between steps so every step starts on an empty Redis.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly ConnectionMultiplexer _admin;

    private RedisServer(ChildProcess process, ConnectionMultiplexer admin, int port, string version)
    {
        _process = process;
        _admin = admin;
        Port = port;
        Version = version;
    }

    /// <summary>The server's process id, for its CPU time.</summary>
    public int Pid => _process.Pid;

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The server's version.</summary>
    public string Version { get; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>Starts the server and waits until it answers.</summary>
    /// <param name="executable">The <c>redis-server</c> executable.</param>
    /// <param name="directory">Its working folder.</param>
    /// <returns>The running server.</returns>
    public static async Task<RedisServer> StartAsync(string executable, string directory)
    {
        var port = FreePort.Next();
        var process = ChildProcess.Start(
            executable,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", directory, "--loglevel", "warning"],
            directory);
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                var options = ConfigurationOptions.Parse($"127.0.0.1:{port},allowAdmin=true,abortConnect=true,connectTimeout=1000");
                var admin = await ConnectionMultiplexer.ConnectAsync(options);
                var info = await admin.GetServer(admin.GetEndPoints()[0]).InfoAsync("server");
                var version = info.SelectMany(g => g).FirstOrDefault(p => p.Key == "redis_version").Value ?? "unknown";
                return new RedisServer(process, admin, port, version);
            }
            catch (RedisConnectionException) when (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (Exception)
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Empties every database: the next step starts on a fresh Redis.</summary>
    /// <returns>A task that completes when Redis is empty.</returns>
    public async Task FlushAsync()
    {
        await _admin.GetServer(_admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
    }

    /// <summary>Resets the server's command statistics (<c>CONFIG RESETSTAT</c>).</summary>
    /// <returns>A task that completes when they are reset.</returns>
    public async Task ResetStatisticsAsync()
    {
        await _admin.GetServer(_admin.GetEndPoints()[0]).ConfigResetStatisticsAsync();
    }

    /// <summary>Calls and server time per command since the last reset (<c>INFO commandstats</c>).</summary>
    /// <returns>Command name to calls and microseconds.</returns>
    public async Task<Dictionary<string, (long Calls, long Micros)>> CommandStatisticsAsync()
    {
        var info = await _admin.GetServer(_admin.GetEndPoints()[0]).InfoAsync("commandstats");
        var stats = new Dictionary<string, (long Calls, long Micros)>(StringComparer.Ordinal);
        foreach (var pair in info.SelectMany(g => g))
        {
            // cmdstat_evalsha:calls=40000,usec=2600000,usec_per_call=65.00,rejected_calls=0,failed_calls=0
            long calls = 0, micros = 0;
            foreach (var part in pair.Value.Split(','))
            {
                var kv = part.Split('=');
                if (kv.Length == 2 && kv[0] == "calls")
                {
                    calls = long.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (kv.Length == 2 && kv[0] == "usec")
                {
                    micros = long.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            stats[pair.Key.Replace("cmdstat_", "", StringComparison.Ordinal)] = (calls, micros);
        }

        return stats;
    }

    /// <summary>The memory Redis uses now (<c>used_memory</c>), in bytes.</summary>
    /// <returns>Bytes.</returns>
    public async Task<long> UsedMemoryAsync()
    {
        var info = await _admin.GetServer(_admin.GetEndPoints()[0]).InfoAsync("memory");
        var text = info.SelectMany(g => g).FirstOrDefault(p => p.Key == "used_memory").Value;
        return long.TryParse(text, out var bytes) ? bytes : 0;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();

        // Nothing to save (no persistence): stop it at once.
        _process.Kill();
        await _process.DisposeAsync();
    }
}
