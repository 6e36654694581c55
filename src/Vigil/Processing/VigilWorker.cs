using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Telemetry;
using Vigil.Workers;

namespace Vigil.Processing;

/// <summary>
/// The worker of this process: a consume loop that claims tasks into N slots, a renewal loop that keeps their leases, and
/// a heartbeat loop that proves (through the consume loop's tick) that the worker really consumes. Three loops, so a stuck
/// consume loop cannot silence the heartbeat that reveals it.
/// </summary>
/// <remarks>
/// Two tokens, as in Hangfire's worker: <em>stopping</em> (claim nothing more, let in-flight tasks finish) and
/// <em>abort</em> (cancel the handlers and release their tasks back to the queue).
/// </remarks>
internal sealed partial class VigilWorker : IVigilWorker, IAsyncDisposable, IDisposable
{
    /// <summary>How long a restart waits for the old loops to end before it starts new ones anyway.</summary>
    private static readonly TimeSpan RestartWait = TimeSpan.FromSeconds(5);

    private static readonly string? VigilVersion =
        typeof(VigilWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private readonly IVigilStorage _storage;
    private readonly VigilOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;
    private readonly TaskExecutor _executor;
    private readonly WorkerCounters _counters = new();
    private readonly ConcurrentDictionary<string, InFlightTask> _inFlight = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _claimQueues;
    private readonly IReadOnlyList<string> _privateQueueOnly;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _background = new();
    private readonly SemaphoreSlim _loopsLock = new(1, 1);
    private readonly Action<InFlightTask> _releaseSlot;

    private CancellationTokenSource _loopGeneration = new();
    private Task _consumeLoop = Task.CompletedTask;
    private Task _renewLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private TaskCompletionSource? _slotWaiter;
    private long _lastLoopTickTicks;
    private long _lastPrivateCheck;
    private int _busySlots;
    private string _status = WorkerStatuses.Starting;
    private int _recycleRequested;
    private int _started;
    private int _stopped;
    private int _reserveInUse;
    private volatile bool _freezeConsumeLoop;

    public VigilWorker(
        IVigilStorage storage, HandlerRegistry handlers, IServiceScopeFactory scopeFactory, IOptions<VigilOptions> options,
        TimeProvider timeProvider, VigilMetrics metrics, ILogger<VigilWorker> logger, IServiceProvider services)
    {
        _storage = storage;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _services = services;
        WorkerId = WorkerIdentity.CreateForThisProcess();
        PrivateQueue = TaskNames.PrivateQueueFor(WorkerId);
        Queues = [.. _options.Queues];
        _privateQueueOnly = [PrivateQueue];

        // The private queue first: a worker probe must not starve behind a backlog of the shared queues.
        _claimQueues = [PrivateQueue, .. Queues];
        StartedAt = timeProvider.GetUtcNow();
        _lastLoopTickTicks = StartedAt.UtcTicks;
        _releaseSlot = ReleaseSlot;
        _executor = new TaskExecutor(storage, handlers, scopeFactory, _options, timeProvider, metrics, logger, _counters, WorkerId,
            reason => RequestRecycle(reason, VigilExitCodes.Recycle), EndRun, services.GetService<ILoggerFactory>());
    }

    public string WorkerId { get; }

    public IReadOnlyList<string> Queues { get; }

    public string PrivateQueue { get; }

    public string Status => Volatile.Read(ref _status);

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset LastLoopTick => new(Interlocked.Read(ref _lastLoopTickTicks), TimeSpan.Zero);

    /// <summary>Slots in use: handlers running (an outcome being stored no longer holds its slot).</summary>
    public int InFlight => Volatile.Read(ref _busySlots) + Volatile.Read(ref _reserveInUse);

    public long Processed => _counters.Processed;

    public long Failed => _counters.Failed;

    public bool RecycleRequested => Volatile.Read(ref _recycleRequested) != 0;

    public string? HealthUrl { get; set; }

    bool IVigilWorker.FreezeConsumeLoop
    {
        get => _freezeConsumeLoop;
        set => _freezeConsumeLoop = value;
    }

    /// <summary>Sets the process exit code on a recycle. Tests replace it so the test host's own exit code is left alone.</summary>
    internal Action<int> SetExitCode { get; set; } = static code => Environment.ExitCode = code;

    /// <summary>Starts the loops. Returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }

        Volatile.Write(ref _status, WorkerStatuses.Running);
        Log.Started(_logger, WorkerId, string.Join(",", Queues), _options.Concurrency, PrivateQueue);
        _heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(_background.Token), CancellationToken.None);
        StartLoops(_loopGeneration.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Drains: claims nothing more, lets in-flight tasks finish within the shutdown grace period, then aborts them (they
    /// are released back to their queue), stops the loops and removes the worker record.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0 || Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _status, WorkerStatuses.Draining);
        Log.Draining(_logger, WorkerId, _inFlight.Count, _options.ShutdownGracePeriod);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await WaitQuietlyAsync(_consumeLoop, cancellationToken).ConfigureAwait(false);
        await StopClaimingQuietlyAsync().ConfigureAwait(false);

        // Tasks claimed ahead have not started: they go back to their queue now, for another worker to start at once.
        await ReleaseAllAheadAsync().ConfigureAwait(false);

        var running = _inFlight.Values.Select(t => t.Execution).OfType<Task>().ToArray();
        if (!await WaitAllAsync(running, _options.ShutdownGracePeriod, cancellationToken).ConfigureAwait(false))
        {
            // Past the grace period (or the host's own shutdown timeout): cancel the handlers; each running task is then
            // completed as released, back in its queue at once, not left to wait for its lease to expire.
            Log.Aborting(_logger, WorkerId, _inFlight.Count);
            await AbortRunsAsync().ConfigureAwait(false);
            running = _inFlight.Values.Select(t => t.Execution).OfType<Task>().ToArray();

            // Each executor abandons a handler that ignores the abort after the abandon grace period; the extra second
            // covers storing the releases.
            _ = await WaitAllAsync(running, _options.AbandonGracePeriod + TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        }

        // The renewal loop ran until now so draining tasks kept their leases. Under the loops' lock: a restart that was
        // under way has then finished, so the loops cancelled and awaited here are the current ones.
        await _loopsLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _loopGeneration.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            _loopsLock.Release();
        }

        await _background.CancelAsync().ConfigureAwait(false);
        await WaitQuietlyAsync(Task.WhenAll(_renewLoop, _heartbeatLoop), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _status, WorkerStatuses.Stopped);

        try
        {
            // Its own short timeout: the host's token may have fired already, and the removal is still worth a try.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
            await _storage.RemoveWorkerAsync(WorkerId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The record goes stale and the retention sweep removes it; nothing else depends on this.
            Log.RemoveWorkerFailed(_logger, WorkerId, ex);
        }

        Log.Stopped(_logger, WorkerId, Processed, Failed);
    }

    /// <summary>
    /// Tells the storage this worker claims nothing more (see <see cref="IVigilStorage.StopClaimingAsync"/>): what an engine
    /// holds for it goes back to its queue now, not when the drain ends.
    /// </summary>
    private async Task StopClaimingQuietlyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
            await _storage.StopClaimingAsync(WorkerId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // What the engine held goes back when its short lease ends; nothing else depends on this.
            Log.StopClaimingFailed(_logger, WorkerId, ex);
        }
    }

    public async Task RestartConsumeLoopsAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        await _loopsLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _started) == 0 || Volatile.Read(ref _stopped) != 0)
            {
                return;
            }

            Log.RestartingLoops(_logger, WorkerId, reason, _inFlight.Count);
            var old = _loopGeneration;
            await old.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_consumeLoop, _renewLoop).WaitAsync(RestartWait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // An old loop is stuck in a call that ignores cancellation (a half-open socket): start fresh loops anyway.
                // The old one ends when that call returns (its token is cancelled); tasks it claimed by then still run.
                Log.OldLoopsStuck(_logger, WorkerId, RestartWait);
            }

            // In-flight tasks do not depend on the loops' tokens: they go on, and the new renewal loop keeps their leases.
            _loopGeneration = new CancellationTokenSource();
            StartLoops(_loopGeneration.Token);
        }
        finally
        {
            _loopsLock.Release();
        }
    }

    public void RequestRecycle(string reason, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (Interlocked.Exchange(ref _recycleRequested, 1) != 0)
        {
            Log.RecycleAlreadyRequested(_logger, WorkerId, reason);
            return;
        }

        Log.RecycleRequested(_logger, WorkerId, reason, exitCode);
        SetExitCode(exitCode);
        var lifetime = _services.GetService<IHostApplicationLifetime>();
        if (lifetime is not null)
        {
            // The host stops every hosted service, this worker's StopAsync drains it gracefully.
            lifetime.StopApplication();
        }
        else
        {
            _ = Task.Run(() => StopAsync(CancellationToken.None), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _started) != 0 && Volatile.Read(ref _stopped) == 0)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Dispose();
    }

    /// <summary>Releases the token sources. A worker still running is aborted, not drained: hosts call StopAsync first.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _started) != 0 && Volatile.Read(ref _stopped) == 0)
        {
            _stopping.Cancel();
            _abort.Cancel();
            MarkRunsAborted();
            _background.Cancel();
        }

        _stopping.Dispose();
        _abort.Dispose();
        _background.Dispose();
        _loopGeneration.Dispose();
        _loopsLock.Dispose();
    }

    private void StartLoops(CancellationToken generation)
    {
        _consumeLoop = Task.Run(() => ConsumeLoopAsync(generation), CancellationToken.None);
        _renewLoop = Task.Run(() => RenewLoopAsync(generation), CancellationToken.None);
    }

    /// <summary>Cancels every running handler: the abort token first (new runs see it), then each run's own token.</summary>
    private async Task AbortRunsAsync()
    {
        await _abort.CancelAsync().ConfigureAwait(false);
        MarkRunsAborted();
    }

    private void MarkRunsAborted()
    {
        foreach (var inFlight in _inFlight.Values)
        {
            inFlight.MarkAborted();
        }
    }

    private void Tick() => Interlocked.Exchange(ref _lastLoopTickTicks, _timeProvider.GetUtcNow().UtcTicks);

    /// <summary>Waits for a loop to end, or for the host to give up on the shutdown: a loop stuck in a storage call that
    /// ignores cancellation must not hold the host's stop past its timeout.</summary>
    private static async Task WaitQuietlyAsync(Task loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout passed: go on stopping without it.
        }
    }

    /// <summary>Waits for the tasks up to <paramref name="timeout"/>; whether they all ended.</summary>
    private async Task<bool> WaitAllAsync(Task[] tasks, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (tasks.Length == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(tasks).WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception)
        {
            // A run's own failure is logged by the run; here only "did they end" matters.
            return tasks.All(t => t.IsCompleted);
        }
    }
}
