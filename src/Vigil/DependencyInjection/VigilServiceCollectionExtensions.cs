using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.Client;
using Vigil.Handlers;
using Vigil.Hosting;
using Vigil.Maintenance;
using Vigil.Processing;
using Vigil.Tasks;
using Vigil.Telemetry;
using Vigil.Workers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Vigil in a service collection.</summary>
public static class VigilServiceCollectionExtensions
{
    /// <summary>
    /// Adds Vigil: the options (validated at start-up, every problem in one exception), the <see cref="IVigilClient"/>, the
    /// worker (a hosted service that runs when <see cref="VigilOptions.RunWorker"/> is <see langword="true"/>, exposed as
    /// <see cref="IVigilWorker"/>), the retention sweep, the <c>Vigil</c> meter, and the built-in handler of sentinel probes
    /// (<see cref="TaskNames.ProbeTaskType"/>). A storage engine must be added on the returned builder
    /// (<c>.UseSqlite(path)</c> or <c>.UseRedis(configuration)</c>), or the host fails to start saying so.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; may be <see langword="null"/>. Each call's delegate is applied in order.</param>
    /// <returns>The builder, for the storage engine, handlers and observability.</returns>
    /// <remarks>
    /// Idempotent: calling it again only adds <paramref name="configure"/>. Registers <see cref="TimeProvider.System"/> unless a
    /// <see cref="TimeProvider"/> is registered (tests register a fake one).
    /// </remarks>
    public static IVigilBuilder AddVigil(this IServiceCollection services, Action<VigilOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<VigilOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        var builder = new VigilBuilder(services);
        if (services.Any(d => d.ServiceType == typeof(VigilMarkerService)))
        {
            return builder;
        }

        services.AddSingleton<VigilMarkerService>();
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VigilOptions>, VigilOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new VigilMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new HandlerRegistry(sp.GetServices<HandlerRegistration>()));
        services.TryAddSingleton<IVigilClient>(sp => ActivatorUtilities.CreateInstance<VigilClient>(sp, VigilServices.RequireStorage(sp)));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<VigilWorker>(sp, VigilServices.RequireStorage(sp)));

        // A process that only enqueues has no worker: resolving IVigilWorker then gives null, which is what observers test.
        services.TryAddSingleton<IVigilWorker>(sp =>
            sp.GetRequiredService<IOptions<VigilOptions>>().Value.RunWorker ? sp.GetRequiredService<VigilWorker>() : null!);

        // Order matters: the start-up check (storage, handlers) runs before the worker starts claiming.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VigilStartupService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VigilWorkerHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RetentionService>());

        builder.AddHandler<JsonElement>(TaskNames.ProbeTaskType, static (_, _) => ValueTask.CompletedTask);
        return builder;
    }
}
