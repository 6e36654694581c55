using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Handlers;

namespace Vigil.Hosting;

/// <summary>
/// Runs first among Vigil's hosted services: fails the start with a clear message when no storage engine is registered or
/// two handlers claim one task type, initializes the storage, and logs the effective options once.
/// </summary>
internal sealed partial class VigilStartupService : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly VigilOptions _options;
    private readonly ILogger _logger;

    public VigilStartupService(IServiceProvider services, IOptions<VigilOptions> options, ILogger<VigilStartupService> logger)
    {
        _services = services;
        _options = options.Value;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = VigilServices.RequireStorage(_services);

        // Resolving the registry checks it: a duplicate task type fails the start, not the first task of that type.
        var handlers = _services.GetRequiredService<HandlerRegistry>();
        await storage.InitializeAsync(cancellationToken).ConfigureAwait(false);

        Log.EffectiveOptions(
            _logger, storage.EngineName, storage.Location, _options.RunWorker, string.Join(",", _options.Queues), _options.Concurrency,
            _options.DefaultQueue, _options.DefaultMaxAttempts, _options.DefaultTimeout, _options.MaxPayloadBytes, _options.LeaseDuration,
            _options.LeaseRenewInterval, _options.PollInterval, _options.HeartbeatInterval, _options.RetryBaseDelay, _options.RetryMaxDelay,
            _options.RetryJitter, _options.ShutdownGracePeriod, _options.AbandonGracePeriod, string.Join(",", handlers.RegisteredTypes));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message =
            "Vigil starting: storage {Engine} at {Location}; worker {RunWorker} on queues {Queues} with concurrency {Concurrency}; " +
            "default queue {DefaultQueue}, max attempts {DefaultMaxAttempts}, timeout {DefaultTimeout}, max payload {MaxPayloadBytes} bytes; " +
            "lease {LeaseDuration} renewed every {LeaseRenewInterval}; poll {PollInterval}; heartbeat {HeartbeatInterval}; " +
            "retry {RetryBaseDelay}..{RetryMaxDelay} jitter {RetryJitter}; shutdown grace {ShutdownGracePeriod}; abandon grace {AbandonGracePeriod}; " +
            "handlers {Handlers}")]
        public static partial void EffectiveOptions(
            ILogger logger, string engine, string location, bool runWorker, string queues, int concurrency, string defaultQueue,
            int defaultMaxAttempts, TimeSpan defaultTimeout, int maxPayloadBytes, TimeSpan leaseDuration, TimeSpan leaseRenewInterval,
            TimeSpan pollInterval, TimeSpan heartbeatInterval, TimeSpan retryBaseDelay, TimeSpan retryMaxDelay, double retryJitter,
            TimeSpan shutdownGracePeriod, TimeSpan abandonGracePeriod, string handlers);
    }
}
