using Vigil.Alerts;
using Vigil.Health;
using Vigil.Probes;
using Vigil.Recovery;
using Vigil.Resources;

namespace Vigil.DependencyInjection;

/// <summary>Where each Vigil options class lives in the application's configuration.</summary>
internal static class VigilConfigurationSections
{
    /// <summary>The section of <see cref="VigilOptions"/>; the other options are its subsections.</summary>
    public const string Root = "Vigil";

    /// <summary>The section bound to <typeparamref name="TOptions"/>.</summary>
    /// <typeparam name="TOptions">A Vigil options class.</typeparam>
    /// <returns>The section path, such as <c>Vigil:Health</c>.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TOptions"/> has no section (a programming error).</exception>
    public static string PathOf<TOptions>() => typeof(TOptions) switch
    {
        var t when t == typeof(VigilOptions) => Root,
        var t when t == typeof(VigilHealthOptions) => Root + ":Health",
        var t when t == typeof(SentinelOptions) => Root + ":Sentinel",
        var t when t == typeof(AlertOptions) => Root + ":Alerts",
        var t when t == typeof(RecoveryOptions) => Root + ":Recovery",
        var t when t == typeof(ResourceLimitOptions) => Root + ":Resources",
        var t => throw new InvalidOperationException($"{t.Name} has no configuration section in Vigil."),
    };
}
