using System.Diagnostics;
using System.Diagnostics.Metrics;
using Vigil.Health;
using Vigil.Workers;

namespace Vigil.Telemetry;

/// <summary>
/// The observability instruments on the <c>Vigil</c> meter: the probe-latency histogram and missed-probe counter that the
/// sentinel records, and gauges read from the latest health snapshot (queue depth, oldest ready age, running, live workers)
/// and from this process's worker (in-flight). Gauge callbacks never touch the storage: <see cref="VigilGaugeRefresher"/>
/// keeps the snapshot fresh.
/// </summary>
internal sealed class VigilObservabilityMetrics
{
    private readonly Histogram<double> _probeLatency;
    private readonly Counter<long> _probesMissed;

    public VigilObservabilityMetrics(VigilMetrics metrics, VigilHealthReporter reporter, IVigilWorker? worker = null)
    {
        var meter = metrics.Meter;
        _probeLatency = meter.CreateHistogram<double>(
            VigilInstruments.ProbeLatency, "s", "How long probes took from enqueued to consumed.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _probesMissed = meter.CreateCounter<long>(VigilInstruments.ProbesMissed, "{probe}", "Probes that missed their deadline.");

        meter.CreateObservableGauge(
            VigilInstruments.QueueDepth,
            () => Queues(reporter, q => q.Ready),
            "{task}", "Tasks ready to run.");
        meter.CreateObservableGauge(
            VigilInstruments.QueueOldestReadyAge,
            () => reporter.Latest is { } s
                ? s.QueueRecords.Select(q => new Measurement<double>(
                    q.OldestReadySince is { } since ? Math.Max(0, (s.At - since).TotalSeconds) : 0,
                    new KeyValuePair<string, object?>(VigilInstruments.QueueTag, q.Name)))
                : [],
            "s", "How long the oldest ready task has waited.");
        meter.CreateObservableGauge(
            VigilInstruments.QueueRunning,
            () => Queues(reporter, q => q.Running),
            "{task}", "Tasks running under a lease.");
        meter.CreateObservableGauge(
            VigilInstruments.WorkersLive,
            () => reporter.Latest is { Error: null } s ? [new Measurement<int>(s.LiveWorkers)] : Array.Empty<Measurement<int>>(),
            "{worker}", "Live workers.");
        if (worker is not null)
        {
            meter.CreateObservableGauge(VigilInstruments.WorkerInFlight, () => worker.InFlight, "{task}", "Tasks running in this process's worker.");
        }
    }

    public void RecordProbeLatency(string kind, string? queue, TimeSpan latency) =>
        _probeLatency.Record(Math.Max(0, latency.TotalSeconds), Tags(kind, queue));

    public void ProbeMissed(string kind, string? queue) => _probesMissed.Add(1, Tags(kind, queue));

    private static IEnumerable<Measurement<long>> Queues(VigilHealthReporter reporter, Func<Storage.QueueSummary, long> value) =>
        reporter.Latest is { } snapshot
            ? snapshot.QueueRecords.Select(q => new Measurement<long>(value(q), new KeyValuePair<string, object?>(VigilInstruments.QueueTag, q.Name)))
            : [];

    private static TagList Tags(string kind, string? queue)
    {
        // Worker probes are not tagged with their worker: worker ids change at every start and would grow the series forever.
        var tags = new TagList { { VigilInstruments.ProbeKindTag, kind } };
        if (queue is not null)
        {
            tags.Add(VigilInstruments.QueueTag, queue);
        }

        return tags;
    }
}
