namespace Vigil.AspNetCore.Realtime;

/// <summary>What browsers subscribed to a task receive on <see cref="VigilHubMethods.TaskProgress"/>.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Percent">0 to 100, or <see langword="null"/> when the handler did not say.</param>
/// <param name="Message">The handler's short text, if any.</param>
/// <param name="At">When the handler reported it.</param>
public sealed record TaskProgressMessage(string TaskId, double? Percent, string? Message, DateTimeOffset At);
