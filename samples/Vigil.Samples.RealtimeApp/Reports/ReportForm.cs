namespace Vigil.Samples.RealtimeApp.Reports;

/// <summary>The form the page posts to <c>POST /reports</c>.</summary>
/// <param name="Title">The report's title.</param>
/// <param name="Sections">How many sections.</param>
public sealed record ReportForm(string? Title, int Sections);
