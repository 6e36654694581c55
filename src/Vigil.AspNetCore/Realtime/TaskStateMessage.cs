using System.Text.Json;

namespace Vigil.AspNetCore.Realtime;

/// <summary>What browsers subscribed to a task receive on <see cref="VigilHubMethods.TaskState"/> when its state changes.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="State">The state's wire name: <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>dead</c>...</param>
/// <param name="Terminal">Whether the state is terminal (succeeded, dead, cancelled).</param>
/// <param name="Attempt">The attempts started so far.</param>
/// <param name="Result">The handler's result (JSON), for a succeeded task that returned one.</param>
/// <param name="Error">The last error's message, for a retrying or dead task.</param>
/// <param name="ErrorType">The last error's type, for a retrying or dead task.</param>
/// <param name="At">When the change was seen.</param>
public sealed record TaskStateMessage(
    string TaskId,
    string State,
    bool Terminal,
    int Attempt,
    JsonElement? Result,
    string? Error,
    string? ErrorType,
    DateTimeOffset At);
