using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.Redis.Connection;

/// <summary>
/// After a failed connect, looks at the endpoint with a raw socket and an inline <c>PING</c> to tell the user which of
/// the usual mistakes it is: nothing listening, a server that is not Redis, or missing/wrong credentials.
/// </summary>
internal static class ConnectionDiagnosis
{
    /// <summary>What the probe found.</summary>
    public enum Finding
    {
        /// <summary>The probe could not tell (TLS endpoint, unexpected error).</summary>
        Unknown,

        /// <summary>The TCP connection was refused: nothing listens there.</summary>
        Refused,

        /// <summary>The TCP connection could not be made in time (wrong host, firewall, dead network).</summary>
        Unreachable,

        /// <summary>The peer accepted the connection but never answered.</summary>
        Silent,

        /// <summary>The peer answered something that is not the Redis protocol.</summary>
        NotRedis,

        /// <summary>Redis asks for authentication.</summary>
        AuthRequired,

        /// <summary>Redis answered PING.</summary>
        Redis,
    }

    public static async Task<(Finding Finding, string Detail)> ProbeAsync(EndPoint endPoint, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        try
        {
            switch (endPoint)
            {
                case DnsEndPoint dns:
                    await client.ConnectAsync(dns.Host, dns.Port, cts.Token).ConfigureAwait(false);
                    break;
                case IPEndPoint ip:
                    await client.ConnectAsync(ip, cts.Token).ConfigureAwait(false);
                    break;
                default:
                    return (Finding.Unknown, string.Empty);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return (Finding.Refused, "connection refused");
        }
        catch (SocketException ex)
        {
            return (Finding.Unreachable, ex.Message);
        }
        catch (OperationCanceledException)
        {
            return (Finding.Unreachable, "no answer to the TCP connect");
        }

        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return (Finding.NotRedis, "the server closed the connection without a reply");
            }

            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            if (reply.StartsWith("+PONG", StringComparison.Ordinal))
            {
                return (Finding.Redis, reply.Trim());
            }

            if (reply.StartsWith("-NOAUTH", StringComparison.Ordinal) || reply.Contains("Authentication required", StringComparison.OrdinalIgnoreCase))
            {
                return (Finding.AuthRequired, reply.Trim());
            }

            if (reply[0] is '-' or '+' or '$' or '*' or ':')
            {
                return (Finding.Redis, reply.Trim());
            }

            var firstLine = reply.Split('\n')[0].Trim();
            return (Finding.NotRedis, $"it answered '{(firstLine.Length > 60 ? firstLine[..60] : firstLine)}'");
        }
        catch (OperationCanceledException)
        {
            return (Finding.Silent, "it accepted the connection but did not answer PING");
        }
        catch (IOException ex)
        {
            return (Finding.NotRedis, ex.Message);
        }
    }
}
