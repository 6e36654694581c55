namespace Vigil.Samples.RealtimeApp.Reports;

/// <summary>The payload of <c>reports.generate</c>: what the user asked for.</summary>
/// <param name="Title">The report's title.</param>
/// <param name="Sections">How many sections to render (each takes a moment).</param>
public sealed record ReportRequest(string Title, int Sections);
