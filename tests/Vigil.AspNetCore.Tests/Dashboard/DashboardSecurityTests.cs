using System.Net;
using Microsoft.AspNetCore.Http;
using Vigil.AspNetCore.Dashboard.Api;

namespace Vigil.AspNetCore.Tests.Dashboard;

public sealed class DashboardSecurityTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.53", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::ffff:192.168.1.2", false)]
    public void IsLocal_ByPeerAddress(string address, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(expected, DashboardSecurity.IsLocal(context));
    }

    [Theory]
    [InlineData("X-Forwarded-For", "198.51.100.1")]
    [InlineData("Forwarded", "for=198.51.100.1")]
    public void IsLocal_LoopbackProxyRelayingSomeoneElse_IsNotLocal(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[header] = value;

        Assert.False(DashboardSecurity.IsLocal(context));
    }
}
