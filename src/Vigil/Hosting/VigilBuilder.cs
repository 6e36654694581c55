using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Hosting;

/// <summary>The <see cref="IVigilBuilder"/> that <c>services.AddVigil()</c> returns.</summary>
internal sealed class VigilBuilder(IServiceCollection services) : IVigilBuilder
{
    public IServiceCollection Services { get; } = services;
}
