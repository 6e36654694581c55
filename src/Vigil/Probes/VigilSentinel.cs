using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Alerts;
using Vigil.Health;
using Vigil.Processing;
using Vigil.Storage;
using Vigil.Tasks;
using Vigil.Telemetry;
using Vigil.Workers;

namespace Vigil.Probes;

/// <summary>
/// The sentinel: in the one process that holds the storage lock <see cref="LockName"/>, every
/// <see cref="SentinelOptions.CheckInterval"/> it reads the system, sends a probe to each target whose last probe was
/// consumed at least <see cref="SentinelOptions.Interval"/> ago, records probe latencies, removes spent probe tasks, and
/// announces every state change of the storage, a queue or a worker through <see cref="AlertDispatcher"/>.
/// </summary>
internal sealed class VigilSentinel : BackgroundService
{
    /// <summary>The storage lock that elects the sentinel.</summary>
    public const string LockName = "sentinel";

    private readonly IVigilStorage _storage;
    private readonly VigilHealthReporter _reporter;
    private readonly AlertDispatcher _alerts;
    private readonly VigilObservabilityMetrics _metrics;
    private readonly IOptionsMonitor<SentinelOptions> _options;
    private readonly IOptionsMonitor<VigilHealthOptions> _healthOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string> _recordedCompletion = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedMisses = new(StringComparer.Ordinal);
    private bool _leader;
    private long _lockRenewedAt;
    private DateTimeOffset _calmUntil = DateTimeOffset.MinValue;

    public VigilSentinel(
        IVigilStorage storage, VigilHealthReporter reporter, AlertDispatcher alerts, VigilObservabilityMetrics metrics,
        IOptionsMonitor<SentinelOptions> options, IOptionsMonitor<VigilHealthOptions> healthOptions, TimeProvider timeProvider,
        ILogger<VigilSentinel> logger, IVigilWorker? worker = null)
    {
        _storage = storage;
        _reporter = reporter;
        _alerts = alerts;
        _metrics = metrics;
        _options = options;
        _healthOptions = healthOptions;
        _timeProvider = timeProvider;
        _logger = logger;
        // A process without a worker (a web front end) is named like a worker would be, so the lock and the alerts read alike.
        Owner = worker?.WorkerId ?? WorkerIdentity.CreateForThisProcess();
    }

    /// <summary>This process's identity in the election.</summary>
    public string Owner { get; }

    /// <summary>Whether this process held the sentinel lock at its last round.</summary>
    public bool IsLeader => _leader;

    /// <summary>Runs one round: the loop calls it every check interval; tests call it directly.</summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>The alerts announced in this round.</returns>
    public async Task<IReadOnlyList<VigilAlert>> RunRoundAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.Enabled)
        {
            await StepDownAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        bool held;
        try
        {
            held = await HoldLockAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_leader && ex is not OperationCanceledException)
        {
            // The storage is down. Whoever held the lock when it went is the one to say so (nobody else can take it now);
            // the other components are unknown, not gone, so they are left as announced.
            return await _alerts.ObserveAsync(
                [("storage", HealthStatus.Unhealthy, $"the storage ({_storage.EngineName} at {_storage.Location}) cannot be reached: {ex.Message}")],
                Owner, cancellationToken, complete: false).ConfigureAwait(false);
        }

        if (held != _leader)
        {
            if (held)
            {
                Log.BecameLeader(_logger, Owner, options.Interval, options.Deadline);
            }
            else
            {
                Log.LostLeadership(_logger, Owner);
                Forget();
            }

            _leader = held;
        }

        if (!held)
        {
            return [];
        }

        _calmUntil = DateTimeOffset.MinValue;
        var snapshot = await _reporter.ReadAsync().ConfigureAwait(false);
        if (snapshot.Error is { } error)
        {
            return await _alerts.ObserveAsync([("storage", HealthStatus.Unhealthy, error)], Owner, cancellationToken, complete: false).ConfigureAwait(false);
        }

        var targets = Targets(snapshot, options);
        await TrackAsync(snapshot, targets, cancellationToken).ConfigureAwait(false);
        var sent = await SendDueAsync(snapshot, targets, options, cancellationToken).ConfigureAwait(false);
        _calmUntil = sent == 0 ? CalmUntil(snapshot, targets, options) : DateTimeOffset.MinValue;

        var observed = snapshot.Workers.Concat(snapshot.Queues)
            .Select(c => (c.Name, c.Status, c.Description))
            .Prepend(("storage", HealthStatus.Healthy, $"the storage ({_storage.EngineName}) answers"))
            .ToList();
        return await _alerts.ObserveAsync(observed, Owner, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var options = _options.CurrentValue;
                var delay = options.CheckInterval;
                try
                {
                    if (!MaySkipRound(options))
                    {
                        await RunRoundAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // The sentinel must outlive a storage outage: log, wait, try again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.RoundFailed(_logger, delay, ex.Message, ex);
                }

                await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Hand the lock over at once rather than after its expiry, so another process probes without a gap.
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(2), _timeProvider);
            try
            {
                await StepDownAsync(release.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort at shutdown: the lock expires by itself anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>
    /// Takes the lock, or renews it once a third of its duration has passed since the last renewal: a leader has no need
    /// to write it every round (twice the round's storage calls while idle). A follower tries every round, so it takes
    /// over as soon as a vanished leader's lock expires.
    /// </summary>
    private async ValueTask<bool> HoldLockAsync(SentinelOptions options, CancellationToken cancellationToken)
    {
        if (_leader && _timeProvider.GetElapsedTime(_lockRenewedAt) < options.LockDuration / 3)
        {
            // Held for at least two thirds of its duration more: the lock cannot have expired, so nobody else holds it.
            return true;
        }

        // Timed from before the call: the lock's expiry counts from when the storage set it, which is no earlier.
        var asked = _timeProvider.GetTimestamp();
        var held = await _storage.TryAcquireLockAsync(LockName, Owner, options.LockDuration, cancellationToken).ConfigureAwait(false);
        if (held)
        {
            _lockRenewedAt = asked;
        }

        return held;
    }

    private async Task StepDownAsync(CancellationToken cancellationToken)
    {
        if (_leader)
        {
            _leader = false;
            Forget();
            await _storage.ReleaseLockAsync(LockName, Owner, cancellationToken).ConfigureAwait(false);
            Log.LostLeadership(_logger, Owner);
        }
    }

    private void Forget()
    {
        _alerts.Reset();
        _recordedCompletion.Clear();
        _reportedMisses.Clear();
    }

    /// <summary>The probe targets now: target → queue the probe goes through.</summary>
    private Dictionary<string, (string Kind, string Queue)> Targets(VigilHealthSnapshot snapshot, SentinelOptions options)
    {
        var health = _healthOptions.CurrentValue;
        var targets = new Dictionary<string, (string Kind, string Queue)>(StringComparer.Ordinal);
        var live = snapshot.WorkerRecords.Where(w => WorkerHealthEvaluator.IsLive(w, snapshot.At, health)).ToList();
        if (options.ProbeQueues)
        {
            foreach (var queue in snapshot.QueueRecords)
            {
                // A queue with nothing waiting and nobody consuming it is history, not a queue to watch.
                if (queue.Ready + queue.Delayed + queue.Running > 0 || live.Any(w => w.Queues.Contains(queue.Name, StringComparer.Ordinal)))
                {
                    targets[ProbeStatus.QueueTarget(queue.Name)] = ("queue", queue.Name);
                }
            }

            foreach (var queue in options.Queues)
            {
                targets[ProbeStatus.QueueTarget(queue)] = ("queue", queue);
            }
        }

        if (options.ProbeWorkers)
        {
            // A draining worker claims nothing more: probing it would only report what it announced itself.
            foreach (var worker in live.Where(w => w.Status is WorkerStatuses.Running or WorkerStatuses.Starting))
            {
                targets[ProbeStatus.WorkerTarget(worker.WorkerId)] = ("worker", TaskNames.PrivateQueueFor(worker.WorkerId));
            }
        }

        return targets;
    }

    /// <summary>Records latencies and misses once each, and removes probe tasks that are spent or whose target left.</summary>
    private async Task TrackAsync(
        VigilHealthSnapshot snapshot, Dictionary<string, (string Kind, string Queue)> targets, CancellationToken cancellationToken)
    {
        foreach (var probe in snapshot.AllProbeRecords)
        {
            var metricQueue = probe.Kind == "queue" ? probe.Queue : null;
            if (probe is { LastTaskId: { } lastId, LastLatency: { } latency }
                && (!_recordedCompletion.TryGetValue(probe.Target, out var recorded) || recorded != lastId))
            {
                _recordedCompletion[probe.Target] = lastId;
                _metrics.RecordProbeLatency(probe.Kind, metricQueue, latency);
                Log.ProbeConsumed(_logger, lastId, probe.Target, latency.TotalMilliseconds);
            }

            if (probe is { State: ProbeState.Missed, OutstandingTaskId: { } missedId } && _reportedMisses.Add(missedId))
            {
                _metrics.ProbeMissed(probe.Kind, metricQueue);
                Log.ProbeMissed(_logger, missedId, probe.Target, probe.Deadline);
            }

            var remove = new List<string>(probe.ObsoleteTaskIds);
            if (!targets.ContainsKey(probe.Target))
            {
                // The target left (a worker exited or vanished): its probes would wait forever in a queue nobody reads.
                remove.AddRange(new[] { probe.OutstandingTaskId, probe.LastTaskId }.OfType<string>());
                _recordedCompletion.Remove(probe.Target);
            }

            foreach (var id in remove)
            {
                await _storage.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
                _reportedMisses.Remove(id);
            }

            if (remove.Count > 0)
            {
                Log.ProbesRemoved(_logger, remove.Count, probe.Target);
            }
        }
    }

    /// <summary>Sends a probe to each target that has none outstanding and whose last one was sent an interval ago.</summary>
    /// <returns>How many probes were sent.</returns>
    private async Task<int> SendDueAsync(
        VigilHealthSnapshot snapshot, Dictionary<string, (string Kind, string Queue)> targets, SentinelOptions options,
        CancellationToken cancellationToken)
    {
        var probes = snapshot.AllProbeRecords.ToDictionary(p => p.Target, StringComparer.Ordinal);
        var due = new List<NewTask>();
        foreach (var (target, (_, queue)) in targets)
        {
            var probe = probes.GetValueOrDefault(target);

            // Never pile up: a probe still outstanding, even past its deadline, is the one whose consumption proves recovery.
            if (probe?.OutstandingTaskId is not null || (probe?.LastSentAt is { } sent && snapshot.At - sent < options.Interval))
            {
                continue;
            }

            due.Add(new NewTask
            {
                Id = Guid.NewGuid().ToString("N"),
                Type = ProbePayload.TaskType,
                Queue = queue,
                Payload = ProbePayload.Create(target, options.Deadline, Owner),
                MaxAttempts = 1,
                Timeout = options.Deadline,

                // The storage keeps one non-terminal probe per queue even if two sentinels overlap during a hand-over.
                IdempotencyKey = ProbePayload.TaskType + ":" + queue,
            });
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var results = await _storage.EnqueueAsync(due, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < due.Count; i++)
        {
            Log.ProbeSent(_logger, results[i].Id, due[i].Queue, options.Deadline);
        }

        return due.Count;
    }

    /// <summary>
    /// Until when the rounds may be skipped: while everything is healthy, no probe is outstanding and none falls due, a
    /// round would only read the storage to find the same again. Not past the next probe's due time, and not past
    /// <see cref="CalmInterval"/>, so a change (a worker gone, a queue backing up) is still seen within a few seconds.
    /// </summary>
    private static DateTimeOffset CalmUntil(
        VigilHealthSnapshot snapshot, Dictionary<string, (string Kind, string Queue)> targets, SentinelOptions options)
    {
        if (snapshot.All.Any(c => c.Status != HealthStatus.Healthy))
        {
            return DateTimeOffset.MinValue;
        }

        var probes = snapshot.AllProbeRecords.ToDictionary(p => p.Target, StringComparer.Ordinal);
        var until = snapshot.At + CalmInterval(options);
        foreach (var target in targets.Keys)
        {
            if (!probes.TryGetValue(target, out var probe) || probe.OutstandingTaskId is not null || probe.LastSentAt is not { } sent)
            {
                return DateTimeOffset.MinValue;
            }

            if (sent + options.Interval < until)
            {
                until = sent + options.Interval;
            }
        }

        return until;
    }

    /// <summary>The longest a calm sentinel goes without a round: five check intervals, at most half the probe interval.</summary>
    private static TimeSpan CalmInterval(SentinelOptions options)
    {
        var calm = options.CheckInterval * 5;
        return calm < options.Interval / 2 ? calm : options.Interval / 2;
    }

    /// <summary>Whether the loop may skip this round: calm, and the lock not due for renewal.</summary>
    private bool MaySkipRound(SentinelOptions options) =>
        _leader
        && _timeProvider.GetUtcNow() < _calmUntil
        && _timeProvider.GetElapsedTime(_lockRenewedAt) < options.LockDuration / 3;
}
