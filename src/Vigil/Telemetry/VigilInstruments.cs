namespace Vigil.Telemetry;

/// <summary>The names of Vigil's meter, activity source and instruments: one place, so dashboards and tests agree.</summary>
public static class VigilInstruments
{
    /// <summary>The meter name: <c>Vigil</c>.</summary>
    public const string MeterName = "Vigil";

    /// <summary>The activity source name: <c>Vigil</c>.</summary>
    public const string ActivitySourceName = "Vigil";

    /// <summary>Counter of tasks enqueued (deduplicated ones not counted). Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksEnqueued = "vigil.tasks.enqueued";

    /// <summary>Counter of attempts that succeeded. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksSucceeded = "vigil.tasks.succeeded";

    /// <summary>Counter of attempts that failed, whether retried or dead. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksFailed = "vigil.tasks.failed";

    /// <summary>Counter of failed attempts scheduled for a retry. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksRetried = "vigil.tasks.retried";

    /// <summary>Counter of attempts that failed by their timeout. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksTimedOut = "vigil.tasks.timed_out";

    /// <summary>Counter of tasks that became dead. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TasksDead = "vigil.tasks.dead";

    /// <summary>Histogram of attempt run times, in seconds. Tags <c>queue</c>, <c>type</c>, <c>outcome</c>.</summary>
    public const string TaskDuration = "vigil.task.duration";

    /// <summary>Histogram of wait times from ready to claimed, in seconds. Tags <c>queue</c>, <c>type</c>.</summary>
    public const string TaskWaitTime = "vigil.task.wait_time";

    /// <summary>The tag naming the queue: <c>queue</c>.</summary>
    public const string QueueTag = "queue";

    /// <summary>The tag naming the task type: <c>type</c>.</summary>
    public const string TypeTag = "type";

    /// <summary>The tag naming an attempt's outcome: <c>outcome</c> (<c>succeeded</c>, <c>failed</c>, <c>timed-out</c>...).</summary>
    public const string OutcomeTag = "outcome";

    /// <summary>Histogram of probe latencies (enqueued → consumed), in seconds. Tags <c>kind</c> (<c>queue</c>, <c>worker</c>), <c>queue</c> (queue probes).</summary>
    public const string ProbeLatency = "vigil.probe.latency";

    /// <summary>Counter of probes that missed their deadline. Tags <c>kind</c>, <c>queue</c> (queue probes).</summary>
    public const string ProbesMissed = "vigil.probe.missed";

    /// <summary>Gauge of tasks ready to run, per queue. Tag <c>queue</c>.</summary>
    public const string QueueDepth = "vigil.queue.depth";

    /// <summary>Gauge of how long the oldest ready task has waited, in seconds, per queue. Tag <c>queue</c>.</summary>
    public const string QueueOldestReadyAge = "vigil.queue.oldest_ready_age";

    /// <summary>Gauge of tasks running now, per queue (from the storage). Tag <c>queue</c>.</summary>
    public const string QueueRunning = "vigil.queue.running";

    /// <summary>Gauge of tasks running in this process's worker.</summary>
    public const string WorkerInFlight = "vigil.worker.in_flight";

    /// <summary>Gauge of live workers (fresh heartbeat, not stopped).</summary>
    public const string WorkersLive = "vigil.workers.live";

    /// <summary>The tag naming a probe's kind: <c>kind</c> (<c>queue</c> or <c>worker</c>).</summary>
    public const string ProbeKindTag = "kind";
}
