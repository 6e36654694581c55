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
}
