namespace Vigil.AspNetCore.Realtime;

/// <summary>The names of the client methods the Vigil hub calls on browsers, and of the groups it uses.</summary>
public static class VigilHubMethods
{
    /// <summary>A task's progress: <c>{ taskId, percent, message, at }</c>, sent to group <c>task:{id}</c>.</summary>
    public const string TaskProgress = "taskProgress";

    /// <summary>A task's state change: <c>{ taskId, state, result, error, attempt, at }</c>, sent to group <c>task:{id}</c>.</summary>
    public const string TaskState = "taskState";

    /// <summary>A system event (task state changes, alerts) sent to the <see cref="SystemGroup"/> group.</summary>
    public const string SystemEvent = "systemEvent";

    /// <summary>The group of browsers that watch system events (the dashboard).</summary>
    public const string SystemGroup = "vigil:system";

    /// <summary>The group name of a task's subscribers.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns><c>task:{taskId}</c>.</returns>
    public static string TaskGroup(string taskId) => "task:" + taskId;
}
