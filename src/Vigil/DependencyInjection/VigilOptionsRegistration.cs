using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigil.DependencyInjection;

/// <summary>Registers a Vigil options class the one way every part of Vigil does: bound, validated at start-up, reloadable.</summary>
internal static class VigilOptionsRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> (once, however often called): bound from its configuration section when
    /// the host has an <c>IConfiguration</c>, validated by <typeparamref name="TValidator"/> at start-up
    /// (<c>ValidateOnStart</c>), and rebound when the configuration reloads. Delegates registered after this call run after
    /// the binding, so code has the last word.
    /// </summary>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <typeparam name="TValidator">Its validator.</typeparam>
    /// <param name="services">The services.</param>
    public static void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(IServiceCollection services)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().ValidateOnStart();

        // The options services of TOptions, closed: the same types and lifetimes as AddOptions' open generic registrations.
        // A Native AOT application cannot close those ahead of time, so its runtime type loader would build each at start
        // (~100 µs apiece); named here, the AOT compiler builds them. Measured with the AOT bench worker, everything on:
        // options validation at start 7.2-7.6 -> 3.9-4.2 ms. An application's own registration of one of these services
        // still wins when added before this call, or after it with Add (not TryAdd, which now finds these).
        services.TryAddSingleton<IOptionsMonitor<TOptions>, OptionsMonitor<TOptions>>();
        services.TryAddSingleton<IOptionsMonitorCache<TOptions>, OptionsCache<TOptions>>();
        services.TryAddTransient<IOptionsFactory<TOptions>, OptionsFactory<TOptions>>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TOptions>, OptionsSectionBinder<TOptions>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<TOptions>, OptionsSectionChangeTokenSource<TOptions>>());
        services.TryAddSingleton<TValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, SectionOptionsValidator<TOptions, TValidator>>());
    }
}
