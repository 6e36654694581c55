using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.Client;
using Vigil.DependencyInjection;
using Vigil.Handlers;
using Vigil.Hosting;
using Vigil.Maintenance;
using Vigil.Processing;
using Vigil.Realtime;
using Vigil.Tasks;
using Vigil.Telemetry;
using Vigil.Workers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Vigil in a service collection.</summary>
public static class VigilServiceCollectionExtensions
{
    /// <summary>
    /// Adds Vigil: the options (bound from the <c>Vigil</c> configuration section when the host has an
    /// <c>IConfiguration</c>, validated at start-up, every problem in one exception), the <see cref="IVigilClient"/>, the
    /// worker (a hosted service that runs when <see cref="VigilOptions.RunWorker"/> is <see langword="true"/>, exposed as
    /// <see cref="IVigilWorker"/>), the retention sweep, the <c>Vigil</c> meter, and the built-in handler of sentinel probes
    /// (<see cref="TaskNames.ProbeTaskType"/>). A storage engine must be added on the returned builder
    /// (<c>.UseSqlite(path)</c> or <c>.UseRedis(configuration)</c>), or the host fails to start saying so.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">
    /// Configures the options; may be <see langword="null"/>. Each call's delegate is applied in order, after the
    /// configuration section, so what code sets wins over <c>appsettings.json</c> and <c>Vigil__*</c> environment variables.
    /// </param>
    /// <returns>The builder, for the storage engine, handlers and observability.</returns>
    /// <remarks>
    /// <para>Binding: every setting of <see cref="VigilOptions"/> under <c>Vigil</c> (<c>Vigil:LeaseDuration</c>,
    /// <c>Vigil__LeaseDuration</c>); a list there replaces the default list (<c>Vigil:Queues</c> = <c>["reports"]</c>, or
    /// <c>Vigil__Queues=default,reports</c>); a value that does not convert or a key that names no setting fails the start
    /// with a message naming the key.</para>
    /// <para>Idempotent: calling it again only adds <paramref name="configure"/>. Registers <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is registered (tests register a fake one).</para>
    /// </remarks>
    public static IVigilBuilder AddVigil(this IServiceCollection services, Action<VigilOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new VigilBuilder(services);
        var first = !services.Any(d => d.ServiceType == typeof(VigilMarkerService));
        if (first)
        {
            // The binding is registered before any delegate, so delegates run after it: code has the last word.
            services.AddSingleton<VigilMarkerService>();
            VigilOptionsRegistration.Add<VigilOptions, VigilOptionsValidator>(services);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!first)
        {
            return builder;
        }

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

        builder.AddHandler(TaskNames.ProbeTaskType, static (_, _) => ValueTask.CompletedTask, RealtimeJsonContext.Default.JsonElement);
        return builder;
    }
}
