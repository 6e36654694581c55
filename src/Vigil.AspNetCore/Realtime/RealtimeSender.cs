using Microsoft.AspNetCore.SignalR;
using Vigil.AspNetCore.Dashboard;

namespace Vigil.AspNetCore.Realtime;

/// <summary>Sends to the connections of both hubs: the application's <see cref="VigilHub"/> and the dashboard's hub.</summary>
internal sealed class RealtimeSender(IHubContext<VigilHub> application, IHubContext<DashboardHub> dashboard)
{
    public Task SendToTaskAsync(string taskId, string method, object message, CancellationToken cancellationToken)
    {
        var group = VigilHubMethods.TaskGroup(taskId);
        return Task.WhenAll(
            application.Clients.Group(group).SendAsync(method, message, cancellationToken),
            dashboard.Clients.Group(group).SendAsync(method, message, cancellationToken));
    }

    public Task SendToGroupAsync(string group, string method, object? message, CancellationToken cancellationToken) =>
        application.Clients.Group(group).SendAsync(method, message, cancellationToken);

    public Task SendToDashboardsAsync(string method, object message, CancellationToken cancellationToken) =>
        dashboard.Clients.Group(VigilHubMethods.SystemGroup).SendAsync(method, message, cancellationToken);
}
