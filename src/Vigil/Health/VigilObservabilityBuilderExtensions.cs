using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.Alerts;
using Vigil.DependencyInjection;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Recovery;
using Vigil.Resources;
using Vigil.Telemetry;
using Vigil.Workers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Vigil's observability on an <see cref="IVigilBuilder"/>: health checks, the sentinel and its alerts, the
/// recovery ladder and the resource limits. Every method is idempotent and may be called with a configure delegate again.
/// </summary>
public static class VigilObservabilityBuilderExtensions
{
    /// <summary>
    /// Adds everything: <see cref="AddVigilHealthChecks"/>, <see cref="AddVigilSentinel"/>, <see cref="AddVigilAlerts"/>,
    /// <see cref="AddVigilRecovery"/> and <see cref="AddVigilResourceLimits"/>. Their options are bound from the sections
    /// <c>Vigil:Health</c>, <c>Vigil:Sentinel</c>, <c>Vigil:Alerts</c>, <c>Vigil:Recovery</c> and <c>Vigil:Resources</c> of the
    /// host's configuration when it has one (as <c>AddVigil</c> binds <c>Vigil</c>), then changed by any delegate given.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilObservability(this IVigilBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddVigilHealthChecks().AddVigilSentinel().AddVigilAlerts().AddVigilRecovery().AddVigilResourceLimits();
    }

    /// <summary>
    /// Adds the Vigil health checks to <c>services.AddHealthChecks()</c>: <c>vigil.process</c> (tag <c>live</c>: this
    /// process's consume loop turns), <c>vigil.storage</c> (tag <c>ready</c>: a write-then-read round trip),
    /// <c>vigil.workers</c>, <c>vigil.queues</c> and <c>vigil.probes</c> (the full report). All carry the tag <c>vigil</c>.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configure">Changes the thresholds (see <see cref="VigilHealthOptions"/> for the defaults).</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilHealthChecks(this IVigilBuilder builder, Action<VigilHealthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddOptions<VigilHealthOptions, VigilHealthOptionsValidator>(services, configure);
        AddOptions<SentinelOptions, SentinelOptionsValidator>(services, null);
        AddCommon(services);
        if (services.Any(d => d.ServiceType == typeof(HealthChecksMarker)))
        {
            return builder;
        }

        services.AddSingleton<HealthChecksMarker>();
        string[] vigil = [VigilHealthCheckNames.VigilTag];
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration(
                VigilHealthCheckNames.Process,
                sp => new ProcessHealthCheck(
                    sp.GetRequiredService<IOptionsMonitor<VigilHealthOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IVigilWorker>()),
                failureStatus: null, tags: [VigilHealthCheckNames.LiveTag, .. vigil]))
            .Add(new HealthCheckRegistration(
                VigilHealthCheckNames.Storage,
                sp => ActivatorUtilities.CreateInstance<StorageHealthCheck>(sp),
                failureStatus: null, tags: [VigilHealthCheckNames.ReadyTag, .. vigil]))
            .Add(new HealthCheckRegistration(
                VigilHealthCheckNames.Workers,
                sp => new SnapshotHealthCheck(sp.GetRequiredService<VigilHealthReporter>(), "workers", s => s.Workers),
                failureStatus: null, tags: vigil))
            .Add(new HealthCheckRegistration(
                VigilHealthCheckNames.Queues,
                sp => new SnapshotHealthCheck(sp.GetRequiredService<VigilHealthReporter>(), "queues", s => s.Queues),
                failureStatus: null, tags: vigil))
            .Add(new HealthCheckRegistration(
                VigilHealthCheckNames.Probes,
                sp => new SnapshotHealthCheck(sp.GetRequiredService<VigilHealthReporter>(), "probes", s => s.Probes),
                failureStatus: null, tags: vigil));
        return builder;
    }

    /// <summary>
    /// Adds the sentinel: this process competes for the storage lock <c>sentinel</c>, and while it holds it, probes every
    /// queue and every live worker and announces state changes (with <see cref="AddVigilAlerts"/>'s options).
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configure">Changes the interval, deadline and targets (see <see cref="SentinelOptions"/>).</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilSentinel(this IVigilBuilder builder, Action<SentinelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddOptions<SentinelOptions, SentinelOptionsValidator>(services, configure);
        AddOptions<VigilHealthOptions, VigilHealthOptionsValidator>(services, null);
        AddOptions<AlertOptions, AlertOptionsValidator>(services, null);
        AddCommon(services);
        services.TryAddSingleton<AlertDispatcher>();
        services.TryAddSingleton<VigilSentinel>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HostedSentinel>());
        return builder;
    }

    /// <summary>Configures the sentinel's alerts: the webhook and the cool-down (see <see cref="AlertOptions"/>).</summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilAlerts(this IVigilBuilder builder, Action<AlertOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions<AlertOptions, AlertOptionsValidator>(builder.Services, configure);
        return builder;
    }

    /// <summary>
    /// Adds the recovery ladder that watches this process's worker (nothing happens in a process without one): rebuild the
    /// storage connection, restart the consume loops, exit with <see cref="VigilExitCodes.Unresponsive"/>.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configure">Changes the options (see <see cref="RecoveryOptions"/>).</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilRecovery(this IVigilBuilder builder, Action<RecoveryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddOptions<RecoveryOptions, RecoveryOptionsValidator>(services, configure);
        AddOptions<SentinelOptions, SentinelOptionsValidator>(services, null);
        AddCommon(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WorkerWatchdog>());
        return builder;
    }

    /// <summary>
    /// Adds the resource sampler (CPU, working set, GC heap, thread-pool queue, throughput in every heartbeat) and the
    /// limits that make this process's worker drain and exit with <see cref="VigilExitCodes.Recycle"/>.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configure">Sets the limits (see <see cref="ResourceLimitOptions"/>; none by default).</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddVigilResourceLimits(this IVigilBuilder builder, Action<ResourceLimitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddOptions<ResourceLimitOptions, ResourceLimitOptionsValidator>(services, configure);
        AddCommon(services);
        services.TryAddSingleton<IWorkerResourceSampler, ProcessResourceSampler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResourceLimitMonitor>());
        return builder;
    }

    private static void AddCommon(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new VigilMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<VigilHealthReporter>();
        services.TryAddSingleton(sp => new VigilObservabilityMetrics(
            sp.GetRequiredService<VigilMetrics>(), sp.GetRequiredService<VigilHealthReporter>(), sp.GetService<IVigilWorker>()));
    }

    private static void AddOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(IServiceCollection services, Action<TOptions>? configure)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        // Bound from its Vigil:* section first; the delegate registered after it has the last word.
        VigilOptionsRegistration.Add<TOptions, TValidator>(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }
    }

    /// <summary>Marks that the health checks were added, so a second call does not add them twice.</summary>
    private sealed class HealthChecksMarker;

    /// <summary>Runs the one <see cref="VigilSentinel"/> instance (also resolvable by tests) as a hosted service.</summary>
    private sealed class HostedSentinel(VigilSentinel sentinel) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => sentinel.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => sentinel.StopAsync(cancellationToken);
    }
}
