using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.Sqlite;
using Vigil.Sqlite.Engine;
using Vigil.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite storage engine: <c>services.AddVigil().UseSqlite("vigil.db")</c>.</summary>
public static class SqliteVigilBuilderExtensions
{
    /// <summary>
    /// Stores tasks, workers and statistics in a SQLite file (WAL mode; several processes on one machine may share it).
    /// Registers <see cref="IVigilStorage"/> as a singleton unless one is registered already (then this call does nothing), built with the
    /// <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> of the container (defaults: system clock, no logging).
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="path">The database file, such as <c>vigil.db</c>; its directory is created if missing.</param>
    /// <param name="configure">Sets further options.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="OptionsValidationException">At start-up (or first use), when an option is invalid.</exception>
    public static IVigilBuilder UseSqlite(this IVigilBuilder builder, string path, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Like TryAdd for the whole registration: the first storage registered wins, and its options stay its own.
        if (builder.Services.Any(static d => d.ServiceType == typeof(IVigilStorage)))
        {
            return builder;
        }

        builder.Services.AddOptions<SqliteStorageOptions>()
            .Configure(options =>
            {
                options.Path = path;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStorageOptions>, SqliteStorageOptionsValidator>());
        builder.Services.TryAddSingleton<IVigilStorage>(static services =>
        {
            var options = services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value;
            var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SqliteVigilStorage>();
            return new SqliteVigilStorage(
                SqliteStorageOptionsValidator.ValidateAndCopy(options),
                services.GetService<TimeProvider>() ?? TimeProvider.System,
                logger);
        });
        return builder;
    }
}
