using Microsoft.Extensions.DependencyInjection;

namespace Vigil;

/// <summary>Configures Vigil after <c>services.AddVigil(...)</c>: storage engine, handlers, worker, observability.</summary>
public interface IVigilBuilder
{
    /// <summary>The application's service collection.</summary>
    IServiceCollection Services { get; }
}
