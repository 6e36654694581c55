using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Vigil.AspNetCore.Realtime;

/// <summary>
/// The SignalR hub browsers use to follow tasks and join groups. Mapped by <c>app.MapVigilHub()</c> (default
/// <c>/vigil/hub</c>). Progress and group messages from handlers in any process reach it through the storage's event feed.
/// </summary>
/// <remarks>
/// <para>Client methods it calls: <c>taskProgress</c> (<see cref="TaskProgressMessage"/>), <c>taskState</c>
/// (<see cref="TaskStateMessage"/>), and the method a handler names in <c>context.SendToGroupAsync(group, method, data)</c>.</para>
/// <para>Applications may push from web code with <c>IHubContext&lt;VigilHub&gt;</c>.</para>
/// </remarks>
public sealed class VigilHub : Hub
{
    private const int MaxGroupNameLength = 200;

    private readonly TaskSubscriber _subscriber;
    private readonly TaskSubscriptions _subscriptions;
    private readonly VigilRealtimeOptions _options;

    internal VigilHub(TaskSubscriber subscriber, TaskSubscriptions subscriptions, IOptions<VigilRealtimeOptions> options)
    {
        _subscriber = subscriber;
        _subscriptions = subscriptions;
        _options = options.Value;
    }

    /// <summary>
    /// Follows a task: joins group <c>task:{id}</c> (progress) and watches its state until it is terminal (<c>taskState</c>).
    /// </summary>
    /// <param name="taskId">The task id returned by the enqueue.</param>
    /// <returns>The task's state now, so a task that finished before the call is not missed.</returns>
    /// <exception cref="HubException">The id is invalid, the task does not exist, or a subscription limit is reached.</exception>
    public Task<TaskStateMessage> SubscribeTask(string taskId) => _subscriber.SubscribeAsync(Context, Groups, taskId);

    /// <summary>Stops following a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>A task that completes when the connection left the group.</returns>
    public Task UnsubscribeTask(string taskId) => _subscriber.UnsubscribeAsync(Context, Groups, taskId);

    /// <summary>Joins a group that handlers send to with <c>context.SendToGroupAsync(group, ...)</c>.</summary>
    /// <param name="group">The group name: 1 to 200 characters, no control characters, not starting with <c>vigil:</c>.</param>
    /// <returns>A task that completes when the connection joined.</returns>
    /// <exception cref="HubException">The name is invalid or <see cref="VigilRealtimeOptions.AuthorizeGroupJoin"/> refused it.</exception>
    public async Task JoinGroup(string group)
    {
        ValidateGroup(group);
        if (_options.AuthorizeGroupJoin is { } authorize
            && !await authorize(new GroupJoinArguments(Context, group)).ConfigureAwait(false))
        {
            throw new HubException($"Joining group '{group}' was refused by the application's VigilRealtimeOptions.AuthorizeGroupJoin.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted).ConfigureAwait(false);
    }

    /// <summary>Leaves a group.</summary>
    /// <param name="group">The group name.</param>
    /// <returns>A task that completes when the connection left.</returns>
    public Task LeaveGroup(string group)
    {
        ValidateGroup(group);
        return Groups.RemoveFromGroupAsync(Context.ConnectionId, group, CancellationToken.None);
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        _subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private static void ValidateGroup(string? group)
    {
        if (string.IsNullOrEmpty(group) || group.Length > MaxGroupNameLength || group.Any(char.IsControl))
        {
            throw new HubException("Group name is invalid: use 1 to 200 characters without control characters.");
        }

        if (group.StartsWith("vigil:", StringComparison.Ordinal))
        {
            throw new HubException($"Group '{group}' is reserved for the Vigil dashboard: choose a name that does not start with 'vigil:'.");
        }
    }
}
