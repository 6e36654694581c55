using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>The <see cref="IHubClients"/> of <see cref="RecordingHubContext{THub}"/>: only <c>Group(name)</c> is supported.</summary>
public class RecordingHubClients : DispatchProxy
{
    public ConcurrentQueue<(string Group, string Method, object? Argument)> Sent { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name == nameof(IHubClients.Group)
        ? new GroupProxy(Sent, (string)args![0]!)
        : throw new NotSupportedException(targetMethod.Name);

    private sealed class GroupProxy(ConcurrentQueue<(string, string, object?)> sent, string group) : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            sent.Enqueue((group, method, args.Length > 0 ? args[0] : null));
            return Task.CompletedTask;
        }
    }
}
