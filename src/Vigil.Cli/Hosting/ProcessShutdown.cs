using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Vigil.Cli.Hosting;

/// <summary>Shutdown of the long-running processes (server, worker): timeout long enough to drain, and the exit code.</summary>
internal static class ProcessShutdown
{
    /// <summary>
    /// The process's exit code after the host stopped: whatever the worker set (<see cref="Environment.ExitCode"/>, such as
    /// the recycle code), 0 otherwise.
    /// </summary>
    public static int ExitCode => Environment.ExitCode;

    /// <summary>
    /// Gives the host enough time to stop: the worker's grace period for in-flight tasks plus the abandon grace for handlers
    /// that ignore cancellation, and a margin to release leases and remove the worker record.
    /// </summary>
    /// <param name="services">The services.</param>
    public static void Configure(IServiceCollection services) =>
        services.AddOptions<HostOptions>().Configure<IOptions<VigilOptions>>((host, vigil) =>
            host.ShutdownTimeout = vigil.Value.ShutdownGracePeriod + vigil.Value.AbandonGracePeriod + TimeSpan.FromSeconds(5));
}
