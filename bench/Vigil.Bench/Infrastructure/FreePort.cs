using System.Net;
using System.Net.Sockets;

namespace Vigil.Bench.Infrastructure;

/// <summary>Picks a free TCP port on the loopback interface.</summary>
internal static class FreePort
{
    /// <summary>Binds port 0 on 127.0.0.1, reads the port the system chose and releases it.</summary>
    /// <returns>A port that was free a moment ago.</returns>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
