using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil;
using Vigil.Redis;
using Vigil.Redis.Engine;
using Vigil.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses Redis as Vigil's storage: <c>services.AddVigil().UseRedis("redis://localhost:6379")</c>.</summary>
public static class VigilRedisBuilderExtensions
{
    /// <summary>
    /// Stores tasks, workers and statistics in Redis (Streams with a consumer group per queue), replacing any other
    /// storage engine registered before.
    /// </summary>
    /// <param name="builder">The Vigil builder.</param>
    /// <param name="configuration">
    /// Where Redis is: <c>redis://[user:password@]host:port[/db][?option=value]</c> (<c>rediss://</c> for TLS) or a
    /// StackExchange.Redis configuration string such as <c>host:6379,password=secret,ssl=true</c>.
    /// </param>
    /// <param name="configure">Sets further <see cref="RedisStorageOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty.</exception>
    public static IVigilBuilder UseRedis(this IVigilBuilder builder, string configuration, Action<RedisStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);

        var optionsBuilder = builder.Services.AddOptions<RedisStorageOptions>()
            .Configure(o => o.Configuration = configuration);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStorageOptions>, RedisStorageOptionsValidator>());

        // One engine per application: the last UseXxx wins.
        builder.Services.RemoveAll<IVigilStorage>();
        builder.Services.AddSingleton<IVigilStorage>(sp => new RedisVigilStorage(
            sp.GetRequiredService<IOptions<RedisStorageOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        return builder;
    }
}
