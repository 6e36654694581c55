namespace Vigil.Samples.RealtimeApp.Reports;

/// <summary>The answer to <c>POST /reports</c>: the task to follow on the hub.</summary>
/// <param name="TaskId">The task id.</param>
public sealed record ReportAccepted(string TaskId);
