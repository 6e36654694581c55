using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.Storage;

namespace Vigil.AspNetCore.Realtime;

/// <summary>The <c>SubscribeTask</c> logic shared by the application hub and the dashboard hub.</summary>
internal sealed class TaskSubscriber(
    IVigilStorage storage, TaskSubscriptions subscriptions, IOptions<VigilRealtimeOptions> options, TimeProvider timeProvider)
{
    public async Task<TaskStateMessage> SubscribeAsync(HubCallerContext context, IGroupManager groups, string taskId)
    {
        if (!TaskIds.TryValidate(taskId, out var error))
        {
            throw new HubException(error);
        }

        var realtime = options.Value;
        var added = subscriptions.Add(context.ConnectionId, taskId, realtime.MaxSubscriptionsPerConnection, realtime.MaxWatchedTasks);
        switch (added)
        {
            case TaskSubscriptions.AddResult.ConnectionLimitReached:
                throw new HubException(
                    $"This connection already watches {realtime.MaxSubscriptionsPerConnection} tasks (VigilRealtimeOptions.MaxSubscriptionsPerConnection): unsubscribe from finished tasks first.");
            case TaskSubscriptions.AddResult.WatchLimitReached:
                throw new HubException(
                    $"The server already watches {realtime.MaxWatchedTasks} tasks (VigilRealtimeOptions.MaxWatchedTasks): try again later.");
        }

        // Join the group before reading the state: a change after the read then reaches this connection through the
        // relay, so no change falls between the snapshot and the live feed.
        await groups.AddToGroupAsync(context.ConnectionId, VigilHubMethods.TaskGroup(taskId), context.ConnectionAborted)
            .ConfigureAwait(false);

        Tasks.TaskRecord? task;
        try
        {
            task = await storage.GetTaskAsync(taskId, context.ConnectionAborted).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            await UnsubscribeAsync(context, groups, taskId).ConfigureAwait(false);
            throw new HubException($"The task store is unavailable, so task '{taskId}' cannot be watched now: try again shortly.");
        }

        if (task is null)
        {
            await UnsubscribeAsync(context, groups, taskId).ConfigureAwait(false);
            throw new HubException($"Task '{taskId}' does not exist (never enqueued, deleted, or past retention).");
        }

        return RealtimeEvents.ToStateMessage(task, timeProvider.GetUtcNow());
    }

    public Task UnsubscribeAsync(HubCallerContext context, IGroupManager groups, string taskId)
    {
        if (!TaskIds.TryValidate(taskId, out var error))
        {
            throw new HubException(error);
        }

        subscriptions.Remove(context.ConnectionId, taskId);
        return groups.RemoveFromGroupAsync(context.ConnectionId, VigilHubMethods.TaskGroup(taskId), CancellationToken.None);
    }
}
