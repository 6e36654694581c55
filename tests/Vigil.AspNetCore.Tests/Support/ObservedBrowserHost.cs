using Microsoft.Extensions.DependencyInjection;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>
/// A <see cref="BrowserHost"/> whose process also runs the sentinel, as <c>vigil server</c> does, with a probe every
/// second: the dashboard has real probes to show and real probe tasks to hide.
/// </summary>
public sealed class ObservedBrowserHost : BrowserHost
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddVigil()
            .AddVigilObservability()
            .AddVigilSentinel(static o =>
            {
                o.Interval = TimeSpan.FromSeconds(1);
                o.Deadline = TimeSpan.FromSeconds(5);
                o.CheckInterval = TimeSpan.FromMilliseconds(250);
            });
}
