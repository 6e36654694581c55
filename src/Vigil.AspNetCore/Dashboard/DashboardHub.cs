using Microsoft.AspNetCore.SignalR;
using Vigil.AspNetCore.Realtime;

namespace Vigil.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's own hub, mapped under the dashboard's pattern so it shares the dashboard's guard (local only, or the
/// authorization policy). Every connection watches system events; the task page subscribes to its task.
/// </summary>
internal sealed class DashboardHub(TaskSubscriber subscriber, TaskSubscriptions subscriptions) : Hub
{
    public Task<TaskStateMessage> SubscribeTask(string taskId) => subscriber.SubscribeAsync(Context, Groups, taskId);

    public Task UnsubscribeTask(string taskId) => subscriber.UnsubscribeAsync(Context, Groups, taskId);

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, VigilHubMethods.SystemGroup, Context.ConnectionAborted).ConfigureAwait(false);
        subscriptions.DashboardConnected();
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.DashboardDisconnected();
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
