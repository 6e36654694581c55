namespace Vigil.AspNetCore.Dashboard;

/// <summary>Options of one dashboard mounted with <c>app.MapVigilDashboard(pattern, o => ...)</c>.</summary>
public sealed class VigilDashboardOptions
{
    /// <summary>
    /// The authorization policy every dashboard request (pages, API, live hub) must satisfy. Default <see langword="null"/>:
    /// only local requests (from a loopback address) are served, every other gets 403. Set it to serve the dashboard to
    /// remote users you authenticate.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>The title shown in the page header and the browser tab. Default <c>Vigil</c>.</summary>
    public string Title { get; set; } = "Vigil";

    /// <summary>
    /// The application path of the JSON health report that the overview shows (from <c>app.MapVigilHealthChecks()</c>).
    /// Default <c>/health</c>; <see langword="null"/> to show none. An absent endpoint is shown as "not mapped", not as an error.
    /// </summary>
    public string? HealthPath { get; set; } = "/health";

    /// <summary>The application path of the Prometheus metrics, linked from the header. Default <c>/metrics</c>; <see langword="null"/> for no link.</summary>
    public string? MetricsPath { get; set; } = "/metrics";

    /// <summary>Whether the dashboard only shows: no enqueue, retry, cancel or delete (those endpoints are not mapped). Default <see langword="false"/>.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>How often the page polls when live push is unavailable (the hub cannot connect). Default 2 s (0.5 to 60 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
