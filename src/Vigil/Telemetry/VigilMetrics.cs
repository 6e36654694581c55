using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vigil.Telemetry;

/// <summary>
/// Vigil's one meter (<see cref="VigilInstruments.MeterName"/>) and its task instruments, created through
/// <see cref="IMeterFactory"/> so each DI container (each test host) gets its own. The client and the worker record into
/// it; other features add their instruments (gauges) to <see cref="Meter"/>.
/// </summary>
internal sealed class VigilMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _succeeded;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _timedOut;
    private readonly Counter<long> _dead;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _waitTime;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>, or on an own meter without one.</summary>
    /// <param name="meterFactory">The factory; <see langword="null"/> when the host registered none (then the meter is owned and disposed here).</param>
    public VigilMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(VigilInstruments.MeterName);
            Meter = _ownedMeter;
        }
        else
        {
            Meter = meterFactory.Create(VigilInstruments.MeterName);
        }

        _enqueued = Meter.CreateCounter<long>(VigilInstruments.TasksEnqueued, "{task}", "Tasks enqueued.");
        _succeeded = Meter.CreateCounter<long>(VigilInstruments.TasksSucceeded, "{attempt}", "Attempts that succeeded.");
        _failed = Meter.CreateCounter<long>(VigilInstruments.TasksFailed, "{attempt}", "Attempts that failed.");
        _retried = Meter.CreateCounter<long>(VigilInstruments.TasksRetried, "{attempt}", "Failed attempts scheduled for a retry.");
        _timedOut = Meter.CreateCounter<long>(VigilInstruments.TasksTimedOut, "{attempt}", "Attempts that failed by their timeout.");
        _dead = Meter.CreateCounter<long>(VigilInstruments.TasksDead, "{task}", "Tasks that became dead.");
        _duration = Meter.CreateHistogram<double>(VigilInstruments.TaskDuration, "s", "How long attempts ran.");
        _waitTime = Meter.CreateHistogram<double>(VigilInstruments.TaskWaitTime, "s", "How long tasks waited from ready to claimed.");
    }

    /// <summary>The meter (<c>Vigil</c>). Other features create their instruments on it.</summary>
    public Meter Meter { get; }

    public void TaskEnqueued(string queue, string type) => _enqueued.Add(1, Tags(queue, type));

    public void TaskSucceeded(string queue, string type) => _succeeded.Add(1, Tags(queue, type));

    public void TaskFailed(string queue, string type) => _failed.Add(1, Tags(queue, type));

    public void TaskRetried(string queue, string type) => _retried.Add(1, Tags(queue, type));

    public void TaskTimedOut(string queue, string type) => _timedOut.Add(1, Tags(queue, type));

    public void TaskDead(string queue, string type) => _dead.Add(1, Tags(queue, type));

    public void RecordDuration(string queue, string type, string outcome, TimeSpan duration)
    {
        var tags = new TagList
        {
            { VigilInstruments.QueueTag, queue },
            { VigilInstruments.TypeTag, type },
            { VigilInstruments.OutcomeTag, outcome },
        };
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void RecordWaitTime(string queue, string type, TimeSpan waitTime) =>
        _waitTime.Record(Math.Max(0, waitTime.TotalSeconds), Tags(queue, type));

    public void Dispose() => _ownedMeter?.Dispose();

    private static TagList Tags(string queue, string type) => new()
    {
        { VigilInstruments.QueueTag, queue },
        { VigilInstruments.TypeTag, type },
    };
}
