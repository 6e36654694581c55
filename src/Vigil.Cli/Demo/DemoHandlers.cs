using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Vigil.Cli.Demo;

/// <summary>
/// The built-in demo handlers that <c>vigil server</c> and <c>vigil worker</c> register. Their type names are stable:
/// other test suites (health, recycling, dashboard) rely on them.
/// </summary>
internal static class DemoHandlers
{
    /// <summary>Every demo task type.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        DemoNoopHandler.Type, DemoSleepHandler.Type, DemoFailHandler.Type, DemoEchoHandler.Type, DemoProgressHandler.Type, DemoAllocateHandler.Type,
    ];

    /// <summary>Registers <c>demo.noop</c>, <c>demo.sleep</c>, <c>demo.fail</c>, <c>demo.echo</c>, <c>demo.progress</c> and <c>demo.allocate</c>.</summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddDemoHandlers(this IVigilBuilder builder)
    {
        builder.Services.TryAddSingleton<DemoJournal>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddHandler<DemoNoopHandler, JsonElement>(DemoNoopHandler.Type);
        builder.AddHandler<DemoSleepHandler, SleepPayload>(DemoSleepHandler.Type);
        builder.AddHandler<DemoFailHandler, FailPayload>(DemoFailHandler.Type);
        builder.AddHandler<DemoEchoHandler, JsonElement, JsonElement>(DemoEchoHandler.Type);
        builder.AddHandler<DemoProgressHandler, ProgressPayload, DemoResult>(DemoProgressHandler.Type);
        builder.AddHandler<DemoAllocateHandler, AllocatePayload, DemoResult>(DemoAllocateHandler.Type);
        return builder;
    }
}
