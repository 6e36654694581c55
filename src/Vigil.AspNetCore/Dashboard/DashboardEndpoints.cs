using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.AspNetCore.Dashboard.Api;

namespace Vigil.AspNetCore.Dashboard;

/// <summary>Maps the dashboard's page, assets, JSON API and live hub under one route group that carries the guard.</summary>
internal static class DashboardEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string pattern, VigilDashboardOptions options)
    {
        var group = endpoints.MapGroup(pattern);
        if (options.AuthorizationPolicy is { } policy)
        {
            group.RequireAuthorization(policy);
        }
        else
        {
            ((IEndpointConventionBuilder)group).Add(DashboardSecurity.RequireLocalRequests);
        }

        group.ExcludeFromDescription();

        // One endpoint for "/vigil" and "/vigil/": routing treats them alike, and the page's relative URLs need the slash.
        group.MapGet("/", (HttpContext context) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            return path.EndsWith('/')
                ? DashboardAssets.Serve(context, "index.html")
                : Results.Redirect(context.Request.PathBase + path + "/" + context.Request.QueryString).ExecuteAsync(context);
        });
        group.MapGet("/assets/{name}", DashboardAssets.Serve);

        var api = group.MapGroup("/api");
        api.AddEndpointFilter(DashboardApi.MapStorageUnavailable);
        api.MapGet("/config", (HttpContext context) => DashboardApi.GetConfig(context, options));
        api.MapGet("/antiforgery", DashboardApi.GetAntiforgeryToken);
        api.MapGet("/overview", (Delegate)DashboardApi.GetOverview);
        api.MapGet("/queues", (Delegate)DashboardApi.GetQueues);
        api.MapGet("/workers", (Delegate)DashboardApi.GetWorkers);
        api.MapGet("/probes", (Delegate)DashboardApi.GetProbes);
        api.MapGet("/stats", (Delegate)DashboardApi.GetStatistics);
        api.MapGet("/stats/queues", (Delegate)DashboardApi.GetQueueStatistics);
        api.MapGet("/tasks", (Delegate)DashboardApi.ListTasks);
        api.MapGet("/tasks/{id}", DashboardApi.GetTask);
        api.MapHub<DashboardHub>("/hub");

        if (!options.ReadOnly)
        {
            var actions = api.MapGroup(string.Empty);
            actions.AddEndpointFilter(DashboardSecurity.RequireSameOriginAndAntiforgery);
            actions.MapPost("/tasks", (Delegate)DashboardApi.Enqueue);
            actions.MapPost("/tasks/{id}/retry", DashboardApi.Retry);
            actions.MapPost("/tasks/{id}/cancel", DashboardApi.Cancel);
            actions.MapPost("/tasks/{id}/delete", DashboardApi.Delete);
            actions.MapDelete("/tasks/{id}", DashboardApi.Delete);
        }

        return group;
    }
}
