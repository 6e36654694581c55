namespace Vigil.Realtime;

/// <summary>
/// A real-time event that crosses processes through the storage's event feed: task progress from a handler in a worker
/// process reaches the web process that pushes it to browsers.
/// </summary>
public sealed record VigilEvent
{
    /// <summary>
    /// The kind: <c>task.progress</c>, <c>task.state</c>, <c>group.message</c>, <c>alert</c>, or an application's own.
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>The task it is about, if any.</summary>
    public string? TaskId { get; init; }

    /// <summary>The SignalR group it is for, if any.</summary>
    public string? Group { get; init; }

    /// <summary>The event's data, as JSON text.</summary>
    public string? Data { get; init; }

    /// <summary>When it was published.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>Events read from the feed, and the cursor to read on from.</summary>
/// <param name="Events">The events, oldest first.</param>
/// <param name="Cursor">Pass it to the next <see cref="Vigil.Storage.IVigilStorage.ReadEventsAsync"/>.</param>
public sealed record EventBatch(IReadOnlyList<VigilEvent> Events, string Cursor);
