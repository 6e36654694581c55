using System.Diagnostics;
using System.Globalization;

namespace Vigil.Testing;

/// <summary>Options of a <see cref="RedisServer"/>.</summary>
public sealed record RedisServerOptions
{
    /// <summary>Whether to log every write to an append-only file (<c>appendonly yes</c>, <c>appendfsync everysec</c>). Default no.</summary>
    public bool AppendOnly { get; init; }

    /// <summary>
    /// When the append-only file is flushed to disk: <c>everysec</c> (default; a crash may lose the last second of
    /// writes) or <c>always</c> (every write is on disk before Redis answers).
    /// </summary>
    public string AppendFsync { get; init; } = "everysec";

    /// <summary>The password clients must give (<c>requirepass</c>), or <see langword="null"/> for none.</summary>
    public string? Password { get; init; }

    /// <summary>The port on 127.0.0.1; 0 (default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The path of the redis-server executable. Default <c>/usr/bin/redis-server</c>.</summary>
    public string Executable { get; init; } = "/usr/bin/redis-server";

    /// <summary>More command-line arguments, after the fixture's own (such as <c>--cluster-enabled yes</c>). Default none.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>
/// A real <c>redis-server</c> for tests: started on a free 127.0.0.1 port with its data in a temp directory, stopped
/// or killed on demand and restarted on the same port with the same data. Use one per test class (xUnit
/// <c>IClassFixture&lt;RedisServer&gt;</c>) and a unique key prefix per test.
/// </summary>
public sealed class RedisServer : IAsyncDisposable, IDisposable
{
    private readonly RedisServerOptions _options;
    private readonly TempDirectory _directory = new("redis");
    private readonly System.Text.StringBuilder _output = new();
    private Process? _process;

    /// <summary>
    /// Starts a server with default options (no persistence, no password). The one public constructor, so xUnit can
    /// create it as a class or collection fixture.
    /// </summary>
    public RedisServer()
        : this(new RedisServerOptions())
    {
        StartAsync().GetAwaiter().GetResult();
    }

    private RedisServer(RedisServerOptions options)
    {
        _options = options;
        Port = options.Port == 0 ? FreePort.Next() : options.Port;
    }

    /// <summary>Starts a server with <paramref name="options"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The running server; dispose it to kill it and delete its data.</returns>
    public static async Task<RedisServer> StartAsync(RedisServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new RedisServer(options);
        try
        {
            await server.StartAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The password, if any.</summary>
    public string? Password => _options.Password;

    /// <summary>The data directory (the append-only file lives here).</summary>
    public string DataDirectory => _directory.Path;

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string EndPoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A <c>redis://</c> URL for this server (with the password when there is one).</summary>
    public string Url => Password is null ? $"redis://{EndPoint}" : $"redis://:{Uri.EscapeDataString(Password)}@{EndPoint}";

    /// <summary>Whether the server process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the server wrote to its standard output, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server (again) on the same port and directory, and waits until it answers PING (10 s bound).</summary>
    /// <returns>A task that completes when it answers.</returns>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var arguments = new List<string>
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _directory.Path,
            "--save", string.Empty,
            "--appendonly", _options.AppendOnly ? "yes" : "no",
            "--appendfsync", _options.AppendFsync,
            "--daemonize", "no",
            "--loglevel", "warning",
        };
        if (_options.Password is not null)
        {
            arguments.Add("--requirepass");
            arguments.Add(_options.Password);
        }

        arguments.AddRange(_options.ExtraArguments);

        var start = new ProcessStartInfo(_options.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_options.Executable}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await Poll.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"redis-server exited with code {process.ExitCode}: {Output}")
                : Equals(await CommandAsync("PING").ConfigureAwait(false), "PONG"),
            TimeSpan.FromSeconds(10),
            $"redis-server on port {Port} to answer PING").ConfigureAwait(false);
    }

    /// <summary>Stops the server cleanly (<c>SHUTDOWN</c>: the append-only file is flushed), waiting for the process to end.</summary>
    /// <returns>A task that completes when it has exited.</returns>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        try
        {
            await CommandAsync("SHUTDOWN").ConfigureAwait(false);
        }
        catch (IOException)
        {
            // SHUTDOWN closes the connection without a reply.
        }
        catch (InvalidOperationException)
        {
        }

        await WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the server with SIGKILL (a crash: only what the append-only file already holds survives).</summary>
    /// <returns>A task that completes when it has exited.</returns>
    public async Task KillAsync()
    {
        if (IsRunning)
        {
            _process!.Kill(entireProcessTree: true);
        }

        await WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Stops (cleanly, or killed when <paramref name="kill"/>) and starts the server again on the same port.</summary>
    /// <param name="kill">Kill with SIGKILL instead of a clean shutdown.</param>
    /// <returns>A task that completes when the new process answers.</returns>
    public async Task RestartAsync(bool kill = false)
    {
        if (kill)
        {
            await KillAsync().ConfigureAwait(false);
        }
        else
        {
            await StopAsync().ConfigureAwait(false);
        }

        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Runs one command on the server (see <see cref="RespClient"/>), 5 s bound.</summary>
    /// <param name="args">The command and its arguments.</param>
    /// <returns>The reply.</returns>
    public Task<object?> CommandAsync(params string[] args) => RespClient.CommandAsync(Port, Password, TimeSpan.FromSeconds(5), args);

    /// <summary>One field of <c>INFO</c>, such as <c>used_memory</c> in section <c>memory</c>.</summary>
    /// <param name="section">The INFO section.</param>
    /// <param name="field">The field.</param>
    /// <returns>The value as text.</returns>
    public async Task<string> InfoAsync(string section, string field)
    {
        var info = (string?)await CommandAsync("INFO", section).ConfigureAwait(false) ?? string.Empty;
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..].Trim();
            }
        }

        throw new InvalidOperationException($"INFO {section} has no field '{field}'.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        _directory.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WaitForExitAsync()
    {
        if (_process is not null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
