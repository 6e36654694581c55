using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Observability.Tests.Support;
using Vigil.Probes;
using Vigil.Recovery;
using Vigil.Storage;
using Vigil.Workers;

namespace Vigil.Observability.Tests.Recovery;

public sealed class WorkerWatchdogTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeWorker _worker;
    private StorageClient _store = null!;

    public WorkerWatchdogTests() => _worker = new FakeWorker(_time);

    public async Task InitializeAsync() => _store = await StorageClient.OpenSqliteAsync(_temp.File("vigil.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task CheckAsync_LoopStaysFrozen_ResetsThenRestartsThenRecyclesWithUnresponsiveCode()
    {
        // Arrange
        var sut = CreateSut();
        var steps = new List<RecoveryStep>();

        // Act: the loop froze; 30 s of checks every 2 s.
        for (var i = 0; i < 16; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            var step = await sut.CheckAsync(CancellationToken.None);
            if (step != RecoveryStep.None)
            {
                steps.Add(step);
            }
        }

        // Assert
        Assert.Equal([RecoveryStep.ResetConnection, RecoveryStep.RestartLoops, RecoveryStep.Recycle], steps);
        Assert.Equal(1, _worker.Restarts);
        Assert.Equal(VigilExitCodes.Unresponsive, _worker.RecycleExitCode);
        Assert.Contains("its consume loop last turned", _worker.RecycleReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_RestartHelps_RecoversWithoutRecycle()
    {
        var sut = CreateSut();
        _worker.TickOnRestart = true;
        var steps = new List<RecoveryStep>();

        for (var i = 0; i < 16; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            steps.Add(await sut.CheckAsync(CancellationToken.None));
        }

        Assert.Contains(RecoveryStep.RestartLoops, steps);
        Assert.Contains(RecoveryStep.Recovered, steps);
        Assert.DoesNotContain(RecoveryStep.Recycle, steps);
        Assert.Null(_worker.RecycleExitCode);
    }

    [Fact]
    public async Task CheckAsync_LoopTurning_TakesNoStep()
    {
        var sut = CreateSut();

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            _worker.Tick();
            Assert.Equal(RecoveryStep.None, await sut.CheckAsync(CancellationToken.None));
        }
    }

    private WorkerWatchdog CreateSut() => new(
        _store.Storage,
        new StaticOptions<RecoveryOptions>(new RecoveryOptions { LoopStaleAfter = TimeSpan.FromSeconds(5), StepTimeout = TimeSpan.FromSeconds(6), WatchWorkerProbe = true }),
        new StaticOptions<VigilOptions>(new VigilOptions { Concurrency = 4 }),
        new StaticOptions<SentinelOptions>(new SentinelOptions()),
        _time,
        NullLogger<WorkerWatchdog>.Instance,
        _worker);

    private sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>A worker whose loop tick the test controls; restarting may make it tick again.</summary>
    private sealed class FakeWorker(FakeTimeProvider time) : IVigilWorker
    {
        public string WorkerId => "w-test";

        public IReadOnlyList<string> Queues => ["default"];

        public string PrivateQueue => "_worker.w-test";

        public string Status => WorkerStatuses.Running;

        public DateTimeOffset LastLoopTick { get; private set; } = time.GetUtcNow();

        public int InFlight => 0;

        public long Processed => 0;

        public long Failed => 0;

        public bool RecycleRequested => RecycleExitCode is not null;

        public string? HealthUrl { get; set; }

        bool IVigilWorker.FreezeConsumeLoop { get; set; }

        public bool TickOnRestart { get; set; }

        public int Restarts { get; private set; }

        public int? RecycleExitCode { get; private set; }

        public string RecycleReason { get; private set; } = string.Empty;

        public void Tick() => LastLoopTick = time.GetUtcNow();

        public Task RestartConsumeLoopsAsync(string reason, CancellationToken cancellationToken)
        {
            Restarts++;
            if (TickOnRestart)
            {
                Tick();
            }

            return Task.CompletedTask;
        }

        public void RequestRecycle(string reason, int exitCode)
        {
            RecycleExitCode ??= exitCode;
            RecycleReason = reason;
        }
    }
}
