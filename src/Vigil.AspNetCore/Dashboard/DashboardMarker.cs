namespace Vigil.AspNetCore.Dashboard;

/// <summary>Marks that <c>AddVigilDashboard</c> ran, for idempotence and for a clear error at mapping time.</summary>
internal sealed class DashboardMarker;
