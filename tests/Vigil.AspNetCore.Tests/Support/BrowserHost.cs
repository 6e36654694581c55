using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>A <see cref="VigilWebHost"/> plus the system's headless Chromium driven by Playwright (never a downloaded browser).</summary>
public class BrowserHost : VigilWebHost
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly List<IBrowserContext> _contexts = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>The dashboard's overview shows the health report, as in <c>vigil server</c>.</summary>
    protected override void ConfigureServices(IServiceCollection services) => services.AddVigil().AddVigilHealthChecks();

    protected override void ConfigureApp(WebApplication app) => app.MapVigilHealthChecks();

    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 960 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return await context.NewPageAsync();
    }

    public string Url(string relative) => new Uri(BaseAddress, relative).ToString();

    public override async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
