using System.Net;
using Vigil.AspNetCore.Tests.Support;

namespace Vigil.AspNetCore.Tests.Dashboard;

/// <summary>With <c>AuthorizationPolicy</c> set, remote users are served if and only if the policy admits them.</summary>
public sealed class DashboardAuthorizationTests(PolicyWebHost host) : IClassFixture<PolicyWebHost>
{
    [Fact]
    public async Task RemoteRequest_UserInRole_IsServed()
    {
        using var http = host.CreateHttpClient();

        using var response = await SendAsync(http, "/vigil/api/queues", user: "ana", roles: "ops");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RemoteRequest_Anonymous_IsChallenged()
    {
        using var http = host.CreateHttpClient();

        using var response = await SendAsync(http, "/vigil/api/queues", user: null, roles: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/vigil/api/queues")]
    [InlineData("/vigil/")]
    [InlineData("/vigil/api/hub/negotiate?negotiateVersion=1")]
    public async Task LocalRequest_UserWithoutRole_IsForbidden(string url)
    {
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(url.Contains("negotiate", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, url);
        request.Headers.Add(PolicyWebHost.UserHeader, "bob");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string url, string? user, string? roles)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        if (user is not null)
        {
            request.Headers.Add(PolicyWebHost.UserHeader, user);
        }

        if (roles is not null)
        {
            request.Headers.Add(PolicyWebHost.RolesHeader, roles);
        }

        return http.SendAsync(request);
    }
}
