using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Vigil.DependencyInjection;

/// <summary>
/// Tells <see cref="IOptionsMonitor{TOptions}"/> when the configuration behind <see cref="OptionsSectionBinder{TOptions}"/>
/// reloads (an edited <c>appsettings.json</c>), so thresholds read through a monitor follow it without a restart.
/// </summary>
/// <typeparam name="TOptions">The options class.</typeparam>
internal sealed class OptionsSectionChangeTokenSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IEnumerable<IConfigureOptions<TOptions>> configurations) : IOptionsChangeTokenSource<TOptions>
    where TOptions : class, new()
{
    private readonly IReadOnlyList<Microsoft.Extensions.Configuration.IConfiguration> _sources =
        configurations.OfType<OptionsSectionBinder<TOptions>>().SelectMany(b => b.Sources).ToList();

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => _sources.Count switch
    {
        0 => new CancellationChangeToken(CancellationToken.None),
        1 => _sources[0].GetReloadToken(),
        _ => new CompositeChangeToken([.. _sources.Select(s => s.GetReloadToken())]),
    };
}
