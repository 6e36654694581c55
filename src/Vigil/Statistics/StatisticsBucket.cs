namespace Vigil.Statistics;

/// <summary>The counters of one minute, for one queue and task type. The storage adds to them atomically with the state change they count.</summary>
public sealed record StatisticsBucket
{
    /// <summary>The start of the minute (UTC, seconds zero).</summary>
    public required DateTimeOffset Minute { get; init; }

    /// <summary>The queue.</summary>
    public required string Queue { get; init; }

    /// <summary>The task type.</summary>
    public required string Type { get; init; }

    /// <summary>Tasks enqueued (deduplicated ones not counted).</summary>
    public long Enqueued { get; init; }

    /// <summary>Attempts that succeeded.</summary>
    public long Succeeded { get; init; }

    /// <summary>Attempts that failed (whether retried or dead).</summary>
    public long Failed { get; init; }

    /// <summary>Failed attempts that were scheduled for a retry.</summary>
    public long Retried { get; init; }

    /// <summary>Attempts that failed by their timeout.</summary>
    public long TimedOut { get; init; }

    /// <summary>Tasks that became dead.</summary>
    public long Dead { get; init; }

    /// <summary>Attempts whose run time is summed in <see cref="RunTimeTotal"/>.</summary>
    public long RunCount { get; init; }

    /// <summary>The sum of run times.</summary>
    public TimeSpan RunTimeTotal { get; init; }

    /// <summary>The longest run time.</summary>
    public TimeSpan RunTimeMax { get; init; }

    /// <summary>Claims whose wait time is summed in <see cref="WaitTimeTotal"/>.</summary>
    public long WaitCount { get; init; }

    /// <summary>The sum of wait times (ready → claimed).</summary>
    public TimeSpan WaitTimeTotal { get; init; }

    /// <summary>The longest wait time.</summary>
    public TimeSpan WaitTimeMax { get; init; }
}

/// <summary>Which buckets <see cref="Vigil.Storage.IVigilStorage.GetStatisticsAsync"/> returns.</summary>
public sealed record StatisticsQuery
{
    /// <summary>The first minute, inclusive.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The last minute, exclusive.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Only this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only this task type.</summary>
    public string? Type { get; init; }
}
