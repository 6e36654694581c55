namespace Vigil.Samples.RealtimeApp.Reports;

/// <summary>The result of <c>reports.generate</c>, stored with the task and pushed to the page.</summary>
/// <param name="Title">The report's title.</param>
/// <param name="Pages">How many pages it has.</param>
/// <param name="Url">Where the user would download it.</param>
/// <param name="GeneratedAt">When it was done.</param>
/// <param name="Attempt">The attempt that made it (2 or more after a retry).</param>
public sealed record ReportResult(string Title, int Pages, string Url, DateTimeOffset GeneratedAt, int Attempt);
