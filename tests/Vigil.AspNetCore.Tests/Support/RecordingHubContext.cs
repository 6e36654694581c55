using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>A hub context that records what is sent to groups instead of sending it.</summary>
public sealed class RecordingHubContext<THub> : IHubContext<THub>
    where THub : Hub
{
    public RecordingHubContext()
    {
        var clients = DispatchProxy.Create<IHubClients, RecordingHubClients>();
        ((RecordingHubClients)(object)clients).Sent = Sent;
        Clients = clients;
    }

    public ConcurrentQueue<(string Group, string Method, object? Argument)> Sent { get; } = new();

    public IHubClients Clients { get; }

    public IGroupManager Groups => throw new NotSupportedException();
}
