using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Vigil.AspNetCore.Realtime;

/// <summary>Creates <see cref="VigilHub"/> through its internal constructor, so its collaborators stay internal.</summary>
internal sealed class VigilHubActivator(
    TaskSubscriber subscriber, TaskSubscriptions subscriptions, IOptions<VigilRealtimeOptions> options) : IHubActivator<VigilHub>
{
    public VigilHub Create() => new(subscriber, subscriptions, options);

    public void Release(VigilHub hub) => hub.Dispose();
}
