using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;

namespace Vigil.Hosting;

/// <summary>Resolution helpers shared by the DI registrations.</summary>
internal static class VigilServices
{
    public const string NoStorageMessage =
        "No Vigil storage engine registered: call .UseSqlite(path) or .UseRedis(configuration) on the builder returned by AddVigil().";

    /// <summary>The registered storage, or the error that says how to register one.</summary>
    /// <exception cref="InvalidOperationException">None is registered.</exception>
    public static IVigilStorage RequireStorage(IServiceProvider services) =>
        services.GetService<IVigilStorage>() ?? throw new InvalidOperationException(NoStorageMessage);
}

/// <summary>Marks a service collection that <c>AddVigil()</c> has set up, so a second call adds nothing twice.</summary>
internal sealed class VigilMarkerService;
