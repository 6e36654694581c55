using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vigil.Cli.Commands;
using Vigil.Cli.Demo;
using Vigil.Cli.Storage;
using Vigil.Storage;

namespace Vigil.Cli.Hosting;

/// <summary>The one place where the CLI composes Vigil: storage engine, options, demo handlers, logging.</summary>
internal static class VigilHostSetup
{
    /// <summary>Adds Vigil with the storage and worker settings of the command line, and the demo handlers.</summary>
    /// <param name="services">The services.</param>
    /// <param name="storage">The storage.</param>
    /// <param name="worker">The worker settings.</param>
    /// <returns>The Vigil builder, for more registrations.</returns>
    public static IVigilBuilder AddVigilFromCommandLine(this IServiceCollection services, StorageSpec storage, WorkerSettings worker)
    {
        // AddVigil binds the configuration first (appsettings, Vigil__* environment variables), then what the command line
        // says goes on top.
        var builder = services.AddVigil(worker.ApplyTo);
        switch (storage.Kind)
        {
            case StorageKind.Sqlite:
                builder.UseSqlite(storage.Value);
                break;
            case StorageKind.Redis:
                builder.UseRedis(storage.Value);
                break;
            default:
                throw new CliUsageException($"Storage '{storage.Display}' is not supported by this build.");
        }

        builder.AddDemoHandlers();
        return builder;
    }

    /// <summary>
    /// Logging for long-running processes (server, worker): one line per message on stdout, Vigil at Information,
    /// the framework at Warning; <c>Logging__LogLevel__*</c> settings still apply.
    /// </summary>
    /// <param name="logging">The logging builder.</param>
    public static void ConfigureProcessLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Default;
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("System", LogLevel.Warning);
    }

    /// <summary>Logging for short commands: warnings and errors only, on stderr, so stdout stays clean for tables and JSON.</summary>
    /// <param name="logging">The logging builder.</param>
    public static void ConfigureCommandLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
    }

    /// <summary>
    /// Prepares and opens the storage before anything else starts, turning its failures into one clear message:
    /// a database folder that cannot be created or a file that is not a Vigil database is a usage error (exit 2),
    /// unreachable storage a runtime failure (exit 1).
    /// </summary>
    /// <param name="services">The built services.</param>
    /// <param name="spec">The storage.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The initialized storage.</returns>
    public static async Task<IVigilStorage> InitializeStorageAsync(IServiceProvider services, StorageSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Kind == StorageKind.Sqlite)
        {
            EnsureDatabaseFolder(spec.Value);
        }

        var storage = services.GetRequiredService<IVigilStorage>();
        try
        {
            await storage.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            var hint = spec.Kind == StorageKind.Sqlite ? " With vigil, choose another file with --storage sqlite:PATH." : string.Empty;
            throw new CliUsageException($"{spec.Display}: {ex.Message}{hint}", ex);
        }
        catch (StorageUnavailableException ex)
        {
            throw new CliFailureException($"Storage {spec.Display} is unavailable: {ex.Message}", ex);
        }

        return storage;
    }

    private static void EnsureDatabaseFolder(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (string.IsNullOrEmpty(folder) || Directory.Exists(folder))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(
                $"Cannot create the database folder '{folder}' ({ex.Message}): choose a writable path with --storage sqlite:PATH, or set {StorageSpec.HomeEnvironmentVariable}.",
                ex);
        }
    }
}
