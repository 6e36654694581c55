using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Client;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Tests.Processing;
using Vigil.Tests.Support;
using Vigil.Workers;

namespace Vigil.Tests.DependencyInjection;

public class VigilServiceCollectionExtensionsTests
{
    [Fact]
    public void AddVigil_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();

        var first = services.AddVigil(o => o.Concurrency = 3);
        var second = services.AddVigil(o => o.DefaultMaxAttempts = 7);

        Assert.Same(services, first.Services);
        Assert.Same(services, second.Services);
        Assert.Equal(3, services.Count(d => d.ServiceType == typeof(IHostedService)));
        Assert.Single(services, d => d.ServiceType == typeof(IVigilClient));
        Assert.Single(services, d => d.ServiceType == typeof(HandlerRegistration));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<VigilOptions>));
        services.AddLogging();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<VigilOptions>>().Value;
        Assert.Equal(3, options.Concurrency);
        Assert.Equal(7, options.DefaultMaxAttempts);
    }

    [Fact]
    public async Task StartAsync_NoStorageEngine_FailsSayingHowToAddOne()
    {
        using var host = CreateHost(_ => { }, storage: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("No Vigil storage engine registered: call .UseSqlite(path) or .UseRedis(configuration) on the builder returned by AddVigil().", error.Message);
    }

    [Fact]
    public async Task StartAsync_TwoHandlersForOneType_FailsNamingTheType()
    {
        using var host = CreateHost(b => b
            .AddHandler<OrderPayload>("orders.pay", (_, _) => ValueTask.CompletedTask)
            .AddHandler<PayHandler, OrderPayload>("orders.pay"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("task type 'orders.pay' has 2 handlers", error.Message);
        Assert.Contains(typeof(PayHandler).FullName!, error.Message);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_FailsWithEveryProblemInOneException()
    {
        using var host = CreateHost(_ => { }, configure: o =>
        {
            o.Concurrency = 5000;
            o.RetryJitter = -1;
            o.LeaseRenewInterval = TimeSpan.FromMinutes(5);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("Concurrency is 5000", error.Message);
        Assert.Contains("RetryJitter is -1", error.Message);
        Assert.Contains("LeaseRenewInterval (00:05:00) must be shorter than LeaseDuration", error.Message);
        Assert.Equal(3, error.Failures.Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    public void AddHandler_InvalidTypeName_ThrowsNamingTheRule(string type)
    {
        var builder = new ServiceCollection().AddVigil();

        var error = Assert.Throws<ArgumentException>(() => builder.AddHandler<OrderPayload>(type, (_, _) => ValueTask.CompletedTask));

        Assert.Contains("use letters, digits, '-', '_' or '.', at most 100 characters", error.Message);
    }

    [Fact]
    public async Task RunWorkerFalse_NoWorkerResolvedAndNothingConsumed()
    {
        using var host = CreateHost(b => b.AddHandler<OrderPayload>("orders.pay", (_, _) => ValueTask.CompletedTask), configure: o => o.RunWorker = false);
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var client = host.Services.GetRequiredService<IVigilClient>();

        var id = await client.EnqueueAsync("orders.pay", new OrderPayload(1));
        var claims = ((InMemoryStorage)host.Services.GetRequiredService<IVigilStorage>()).ClaimCalls;

        Assert.Null(host.Services.GetService<IVigilWorker>());
        Assert.Equal(0, claims);
        Assert.Equal(TaskState.Queued, (await client.GetTaskAsync(id))!.State);
        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AddHandler_HandlerClass_ResolvedFromFreshScopePerAttempt()
    {
        // Arrange
        await using var h = await VigilHarness.StartAsync(b =>
        {
            b.Services.AddScoped<ScopeProbe>();
            b.AddHandler<ScopedHandler, OrderPayload, string>("orders.scoped");
        }, storage: VigilWorkerTests.Kind);

        // Act
        var first = await h.Client.EnqueueAsync("orders.scoped", new OrderPayload(1));
        var second = await h.Client.EnqueueAsync("orders.scoped", new OrderPayload(2));
        var a = await h.WaitForStateAsync(first, TaskState.Succeeded);
        var b = await h.WaitForStateAsync(second, TaskState.Succeeded);

        // Assert: each attempt's handler and its scoped dependency are new, and the context's services are that scope.
        Assert.NotEqual(a.Result, b.Result);
        Assert.Equal(2, ScopeProbe.Disposed(a.Result!, b.Result!));
    }

    [Fact]
    public async Task Worker_RegisteredAsIVigilWorker_ExposesIdentityAndPrivateQueue()
    {
        await using var h = await VigilHarness.StartAsync(storage: VigilWorkerTests.Kind, options: o =>
        {
            o.Queues.Clear();
            o.Queues.Add("critical");
            o.Queues.Add("default");
        });

        var worker = h.Host.Services.GetRequiredService<IVigilWorker>();

        Assert.Same(h.Worker, worker);
        Assert.Matches("^[a-z0-9._-]+-[0-9]+-[0-9a-f]{4}$", worker.WorkerId);
        Assert.Equal(["critical", "default"], worker.Queues);
        Assert.Equal(TaskNames.PrivateQueueFor(worker.WorkerId), worker.PrivateQueue);
        Assert.True(TaskNames.TryValidateQueue(worker.PrivateQueue, out _));
        Assert.Equal(WorkerStatuses.Running, worker.Status);
    }

    private static IHost CreateHost(Action<IVigilBuilder> handlers, bool storage = true, Action<VigilOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var time = new FakeTimeProvider();
        builder.Services.AddSingleton<TimeProvider>(time);
        var vigil = builder.Services.AddVigil(o =>
        {
            VigilHarness.TestDefaults(o);
            configure?.Invoke(o);
        });
        if (storage)
        {
            builder.Services.AddSingleton<IVigilStorage>(new InMemoryStorage(time));
        }

        handlers(vigil);
        return builder.Build();
    }

    private sealed class PayHandler : ITaskHandler<OrderPayload>
    {
        public ValueTask HandleAsync(OrderPayload payload, TaskContext context) => ValueTask.CompletedTask;
    }

    private sealed class ScopeProbe : IDisposable
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> DisposedIds = new();

        public string Id { get; } = Guid.NewGuid().ToString("N");

        public static int Disposed(params string[] jsonIds) => jsonIds.Count(j => DisposedIds.ContainsKey(j.Trim('"')));

        public void Dispose() => DisposedIds[Id] = true;
    }

    private sealed class ScopedHandler(ScopeProbe probe) : ITaskHandler<OrderPayload, string>
    {
        public ValueTask<string> HandleAsync(OrderPayload payload, TaskContext context)
        {
            Assert.Same(probe, context.Services.GetRequiredService<ScopeProbe>());
            return ValueTask.FromResult(probe.Id);
        }
    }
}
