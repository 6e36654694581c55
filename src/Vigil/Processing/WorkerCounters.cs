namespace Vigil.Processing;

/// <summary>The worker's counters since it started, shared by its executor (writes) and its heartbeat (reads).</summary>
internal sealed class WorkerCounters
{
    private long _processed;
    private long _failed;

    /// <summary>Attempts finished, whatever their outcome (released attempts, which did not run to an end, not counted).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Attempts that failed: exceptions, timeouts, dead at once.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void AddProcessed(bool failed)
    {
        Interlocked.Increment(ref _processed);
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
