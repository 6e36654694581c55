using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Testing;

/// <summary>What a <see cref="TcpFaultProxy"/> does with traffic.</summary>
public enum ProxyMode
{
    /// <summary>Forwards bytes both ways.</summary>
    Forward,

    /// <summary>
    /// Stops forwarding silently: bytes are read and dropped, connections stay open (no FIN, no RST), new connections are
    /// accepted and never answered. The half-open socket of a network switch or a NAT timeout.
    /// </summary>
    Blackhole,
}

/// <summary>
/// A loopback TCP proxy between a client and a server, for fault injection: forward, blackhole (silent half-open
/// connections), reset every connection (RST), and heal. Listens on a free 127.0.0.1 port.
/// </summary>
/// <remarks>
/// Connections that were blackholed stay dead after <see cref="Heal"/> (as after a real network switch, the old path
/// does not come back); only new connections are forwarded again, so a client must reconnect to recover.
/// </remarks>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly Task _acceptLoop;
    private volatile ProxyMode _mode = ProxyMode.Forward;
    private int _accepted;

    /// <summary>Starts a proxy to <c>127.0.0.1:<paramref name="targetPort"/></c>.</summary>
    /// <param name="targetPort">The server's port on 127.0.0.1.</param>
    public TcpFaultProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The proxy's port on 127.0.0.1: point the client here.</summary>
    public int Port { get; }

    /// <summary>The current mode.</summary>
    public ProxyMode Mode => _mode;

    /// <summary>How many client connections the proxy accepted so far (a reconnect shows as a new one).</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    /// <summary>Stops forwarding on every open and future connection, silently.</summary>
    public void Blackhole()
    {
        _mode = ProxyMode.Blackhole;
        foreach (var connection in _connections.Keys)
        {
            connection.Dead = true;
        }
    }

    /// <summary>Forwards new connections again (blackholed ones stay dead).</summary>
    public void Heal() => _mode = ProxyMode.Forward;

    /// <summary>Closes every open connection with a TCP reset (RST), as a crashed peer or a firewall would.</summary>
    public void ResetAll()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }

        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            var connection = new Connection(client);
            _connections[connection] = 0;
            _ = RunAsync(connection);
        }
    }

    private async Task RunAsync(Connection connection)
    {
        try
        {
            if (_mode == ProxyMode.Blackhole)
            {
                // Accepted but never answered: the client's handshake times out, like a SYN into the void.
                connection.Dead = true;
                await DrainAsync(connection.Client).ConfigureAwait(false);
                return;
            }

            connection.Server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await connection.Server.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            await Task.WhenAny(
                PumpAsync(connection, connection.Client, connection.Server),
                PumpAsync(connection, connection.Server, connection.Client)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            // A dead connection stays open (and listed, so DisposeAsync resets it): its peers never learn it ended.
            if (!connection.Dead || _stop.IsCancellationRequested)
            {
                connection.Close();
                _connections.TryRemove(connection, out _);
            }
        }
    }

    private async Task PumpAsync(Connection connection, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                if (connection.Dead)
                {
                    // A blackholed path forwards no FIN either; keep the other side open and silent.
                    await DrainAsync(to).ConfigureAwait(false);
                }

                return;
            }

            if (connection.Dead)
            {
                continue; // dropped on the floor: no data, no FIN, no RST
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            if (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false) == 0)
            {
                return;
            }
        }
    }

    private sealed class Connection(Socket client)
    {
        public Socket Client { get; } = client;

        public Socket? Server { get; set; }

        public volatile bool Dead;

        public void Reset()
        {
            foreach (var socket in new[] { Client, Server })
            {
                if (socket is null)
                {
                    continue;
                }

                try
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST
                    socket.Close();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                }
            }
        }

        public void Close()
        {
            Client.Dispose();
            Server?.Dispose();
        }
    }
}
