using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>The dashboard's guards: local requests only (unless a policy is set), and CSRF checks on every mutating call.</summary>
internal static class DashboardSecurity
{
    /// <summary>
    /// An endpoint convention that serves local requests only. It wraps the request delegate of every dashboard endpoint
    /// (pages, API and the hub's negotiate and connect requests alike), so nothing under the pattern escapes it.
    /// </summary>
    public static void RequireLocalRequests(EndpointBuilder builder)
    {
        var next = builder.RequestDelegate
            ?? throw new InvalidOperationException($"Endpoint '{builder.DisplayName}' has no request delegate to guard.");
        builder.RequestDelegate = context => IsLocal(context)
            ? next(context)
            : DashboardJson.Problem(
                StatusCodes.Status403Forbidden,
                "Remote access refused",
                "The Vigil dashboard serves local requests only (from a loopback address, not through a proxy). To serve remote users, set VigilDashboardOptions.AuthorizationPolicy to an authorization policy that authenticates them.")
                .ExecuteAsync(context);
    }

    /// <summary>
    /// Whether a request comes from this machine: a loopback peer that is not a reverse proxy relaying someone else. A proxy
    /// on the same machine adds <c>X-Forwarded-For</c>/<c>Forwarded</c>; when the application's forwarded-headers middleware
    /// has already applied them, the peer address is the real client's and the headers are gone.
    /// </summary>
    public static bool IsLocal(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded"))
        {
            return false;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            // No IP peer: a Unix socket, a named pipe or an in-process test server, all local by construction.
            return true;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return IPAddress.IsLoopback(remote);
    }

    /// <summary>An endpoint filter for mutating endpoints: a same-origin request carrying a valid antiforgery token.</summary>
    public static async ValueTask<object?> RequireSameOriginAndAntiforgery(
        EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (CrossSiteReason(context) is { } reason)
        {
            return DashboardJson.Problem(StatusCodes.Status403Forbidden, "Cross-site request refused", reason);
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException ex)
        {
            return DashboardJson.Problem(
                StatusCodes.Status403Forbidden,
                "CSRF token missing or invalid",
                $"{ex.Message} Fetch GET <dashboard>/api/antiforgery and send its 'token' in the header its 'headerName' names, with the cookie it sets.");
        }

        return await next(invocation).ConfigureAwait(false);
    }

    private static string? CrossSiteReason(HttpContext context)
    {
        var headers = context.Request.Headers;
        var fetchSite = headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return $"The browser marked this request Sec-Fetch-Site '{fetchSite}': dashboard actions are accepted from the dashboard's own origin only.";
        }

        var origin = headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        var expected = context.Request.Scheme + "://" + context.Request.Host.Value;
        return string.Equals(origin, expected, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Origin '{origin}' is not the dashboard's origin '{expected}': dashboard actions are accepted from the dashboard's own origin only.";
    }
}
