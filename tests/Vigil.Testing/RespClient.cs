using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Testing;

/// <summary>
/// A minimal Redis (RESP2) client for fixtures: one command per connection, no pooling. Lets tests talk to the server
/// without depending on the client library under test.
/// </summary>
public static class RespClient
{
    /// <summary>Sends one command and reads its reply.</summary>
    /// <param name="port">The server's port on 127.0.0.1.</param>
    /// <param name="password">The password (<c>AUTH</c> first), or <see langword="null"/>.</param>
    /// <param name="timeout">The bound on connect, send and reply.</param>
    /// <param name="args">The command and its arguments.</param>
    /// <returns>The reply: a string, a long, a list of replies, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidOperationException">Redis answered with an error.</exception>
    public static async Task<object?> CommandAsync(int port, string? password, TimeSpan timeout, params string[] args)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cts.Token).ConfigureAwait(false);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true);
        if (password is not null)
        {
            await SendAsync(stream, ["AUTH", password], cts.Token).ConfigureAwait(false);
            await ReadAsync(reader, cts.Token).ConfigureAwait(false);
        }

        await SendAsync(stream, args, cts.Token).ConfigureAwait(false);
        return await ReadAsync(reader, cts.Token).ConfigureAwait(false);
    }

    private static async Task SendAsync(NetworkStream stream, string[] args, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ReadAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("Redis closed the connection.");
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                throw new InvalidOperationException(body);
            case ':':
                return long.Parse(body, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                // Bulk strings in fixture use (INFO, GET) are text; read by characters up to the length in bytes.
                var buffer = new StringBuilder();
                while (Encoding.UTF8.GetByteCount(buffer.ToString()) < length)
                {
                    var chunk = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("Redis closed the connection.");
                    buffer.Append(chunk);
                    if (Encoding.UTF8.GetByteCount(buffer.ToString()) < length)
                    {
                        buffer.Append("\r\n");
                    }
                }

                return buffer.ToString();
            case '*':
                var count = int.Parse(body, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new List<object?>(count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadAsync(reader, cancellationToken).ConfigureAwait(false));
                }

                return items;
            default:
                throw new IOException($"Unexpected RESP reply '{line}'.");
        }
    }
}
