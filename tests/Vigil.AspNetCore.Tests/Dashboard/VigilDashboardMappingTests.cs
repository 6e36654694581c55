using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.AspNetCore.Tests.Dashboard;

public sealed class VigilDashboardMappingTests
{
    [Fact]
    public async Task MapVigilDashboard_WithoutServices_ThrowsNamingTheFix()
    {
        await using var app = WebApplication.CreateBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapVigilDashboard());

        Assert.Contains("services.AddVigilDashboard()", error.Message);
    }

    [Fact]
    public async Task MapVigilDashboard_BadPatternAndOptions_ReportsEveryProblem()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddVigilDashboard();
        await using var app = builder.Build();

        var error = Assert.Throws<ArgumentException>(() => app.MapVigilDashboard("vigil", o =>
        {
            o.Title = " ";
            o.HealthPath = "health";
        }));

        Assert.Contains("pattern 'vigil' is invalid", error.Message);
        Assert.Contains("Title is blank", error.Message);
        Assert.Contains("HealthPath is 'health'", error.Message);
    }

    [Fact]
    public void AddVigilDashboard_Twice_RegistersHostedServicesOnce()
    {
        var services = new ServiceCollection();

        services.AddVigilDashboard();
        var count = services.Count;
        services.AddVigilDashboard();
        services.AddVigilRealtime();

        Assert.Equal(count, services.Count);
    }
}
