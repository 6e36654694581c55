using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vigil.Client;
using Vigil.Processing;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.Tests.Support;

/// <summary>Which storage a harness runs on.</summary>
public enum StorageKind
{
    Sqlite,
    Memory,
}

/// <summary>
/// A real host with Vigil on a real SQLite file (or the in-memory fake), driven by a <see cref="FakeTimeProvider"/>: tests
/// advance time to make leases expire, retries come due and timeouts fire.
/// </summary>
internal sealed class VigilHarness : IAsyncDisposable
{
    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(20);
    private readonly TempDirectory? _ownedDirectory;
    private int _stopped;

    private VigilHarness(IHost host, FakeTimeProvider time, TempDirectory? ownedDirectory)
    {
        Host = host;
        Time = time;
        _ownedDirectory = ownedDirectory;
        Client = host.Services.GetRequiredService<IVigilClient>();
        Storage = host.Services.GetRequiredService<IVigilStorage>();
        Logs = host.Services.GetRequiredService<FakeLogCollector>();
        Worker = host.Services.GetRequiredService<VigilWorker>();
        Worker.SetExitCode = code => ExitCode = code;
    }

    public IHost Host { get; }

    public FakeTimeProvider Time { get; }

    public IVigilClient Client { get; }

    public IVigilStorage Storage { get; }

    /// <summary>The fault switch, for a harness started with <c>faulty: true</c>.</summary>
    public FaultyStorage Faults => (FaultyStorage)Storage;

    public VigilWorker Worker { get; }

    public FakeLogCollector Logs { get; }

    /// <summary>The exit code the worker asked for on a recycle (the test process's own is left alone).</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The default test options: deterministic retries (no jitter), small slots.</summary>
    public static void TestDefaults(VigilOptions o)
    {
        o.Concurrency = 4;
        o.PollInterval = TimeSpan.FromSeconds(1);
        o.LeaseDuration = TimeSpan.FromSeconds(30);
        o.LeaseRenewInterval = TimeSpan.FromSeconds(10);
        o.HeartbeatInterval = TimeSpan.FromSeconds(5);
        o.RetryBaseDelay = TimeSpan.FromSeconds(2);
        o.RetryMaxDelay = TimeSpan.FromMinutes(1);
        o.RetryJitter = 0;
        o.ShutdownGracePeriod = TimeSpan.FromSeconds(10);
        o.AbandonGracePeriod = TimeSpan.FromSeconds(5);
        o.DefaultTimeout = TimeSpan.FromMinutes(1);
    }

    public static async Task<VigilHarness> StartAsync(
        Action<IVigilBuilder>? handlers = null,
        Action<VigilOptions>? options = null,
        StorageKind storage = StorageKind.Sqlite,
        string? databasePath = null,
        FakeTimeProvider? time = null,
        InMemoryStorage? memory = null,
        bool start = true,
        bool faulty = false)
    {
        time ??= new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        TempDirectory? owned = null;
        if (storage == StorageKind.Sqlite && databasePath is null)
        {
            owned = new TempDirectory();
            databasePath = owned.File("vigil.db");
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<TimeProvider>(time);
        var vigil = builder.Services.AddVigil(o =>
        {
            TestDefaults(o);
            options?.Invoke(o);
        });
        if (storage == StorageKind.Sqlite)
        {
            vigil.UseSqlite(databasePath!);
        }
        else
        {
            var store = memory ?? new InMemoryStorage(time);
            builder.Services.AddSingleton<IVigilStorage>(store);
        }

        if (faulty)
        {
            // Wrap whatever storage is registered in a fault switch (a network partition of this worker only).
            var registered = builder.Services.Last(d => d.ServiceType == typeof(IVigilStorage));
            builder.Services.Remove(registered);
            builder.Services.AddSingleton<IVigilStorage>(sp => new FaultyStorage(
                registered.ImplementationInstance as IVigilStorage ?? (IVigilStorage)registered.ImplementationFactory!(sp)));
        }

        handlers?.Invoke(vigil);
        var host = builder.Build();
        var harness = new VigilHarness(host, time, owned);
        if (start)
        {
            await host.StartAsync().WaitAsync(RealDeadline);
        }

        return harness;
    }

    /// <summary>
    /// Polls the task until <paramref name="predicate"/> holds, advancing fake time by <paramref name="advance"/> between
    /// polls (zero: time stands still). Fails after a real-time deadline with the last state seen.
    /// </summary>
    public async Task<TaskRecord> WaitForTaskAsync(string taskId, Func<TaskRecord, bool> predicate, TimeSpan? advance = null, TimeSpan? deadline = null)
    {
        var step = advance ?? TimeSpan.FromMilliseconds(100);
        TaskRecord? last = null;
        var until = DateTime.UtcNow + (deadline ?? RealDeadline);
        while (DateTime.UtcNow < until)
        {
            last = await Storage.GetTaskAsync(taskId, CancellationToken.None);
            if (last is not null && predicate(last))
            {
                return last;
            }

            if (step > TimeSpan.Zero)
            {
                Time.Advance(step);
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Task {taskId} did not reach the expected condition; last seen: state {last?.State}, attempt {last?.Attempt}, error {last?.LastError?.Type}: {last?.LastError?.Message}");
    }

    public Task<TaskRecord> WaitForStateAsync(string taskId, TaskState state, TimeSpan? advance = null) =>
        WaitForTaskAsync(taskId, t => t.State == state, advance);

    /// <summary>Polls a condition (advancing fake time by <paramref name="advance"/>) until it holds or the deadline passes.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? advance = null)
    {
        var step = advance ?? TimeSpan.Zero;
        var until = DateTime.UtcNow + RealDeadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            if (step > TimeSpan.Zero)
            {
                Time.Advance(step);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Stops the host while advancing fake time by <paramref name="advance"/> so grace periods can pass.</summary>
    public async Task StopAsync(TimeSpan? advance = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var stop = Host.StopAsync();
        var step = advance ?? TimeSpan.FromMilliseconds(500);
        var until = DateTime.UtcNow + RealDeadline;
        while (!stop.IsCompleted && DateTime.UtcNow < until)
        {
            Time.Advance(step);
            await Task.Delay(10);
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Host.Dispose();
            _ownedDirectory?.Dispose();
        }
    }
}
