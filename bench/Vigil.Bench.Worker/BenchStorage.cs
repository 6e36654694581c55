using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Bench.Worker;

/// <summary>
/// The storage a benchmark process uses, from the harness's one-word spec: <c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.
/// Compiled into both the worker and the harness (whose enqueue-only client uses the same storage).
/// </summary>
internal static class BenchStorage
{
    /// <summary>Points a Vigil builder at the storage.</summary>
    /// <param name="vigil">The builder.</param>
    /// <param name="storage"><c>sqlite:PATH</c> or <c>redis:HOST:PORT</c>.</param>
    /// <exception cref="ArgumentException">The spec is neither.</exception>
    public static void Use(IVigilBuilder vigil, string storage)
    {
        if (storage.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            vigil.UseSqlite(storage["sqlite:".Length..]);
        }
        else if (storage.StartsWith("redis:", StringComparison.Ordinal))
        {
            vigil.UseRedis(storage["redis:".Length..]);
        }
        else
        {
            throw new ArgumentException($"Storage '{storage}' is invalid: use sqlite:PATH or redis:HOST:PORT.", nameof(storage));
        }
    }
}
