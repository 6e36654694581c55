using Vigil.Storage;

namespace Vigil.Processing;

/// <summary>
/// A claimed task while this worker runs it: what the renewal loop needs (its id) and the switches it flips (lease lost,
/// cancellation requested), which cancel the handler through <see cref="Token"/>.
/// </summary>
internal sealed class InFlightTask : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private volatile bool _leaseLost;
    private volatile bool _cancelRequested;

    /// <param name="task">The claimed task.</param>
    /// <param name="abortToken">The worker's abort token (shutdown past its grace period).</param>
    /// <param name="startedTimestamp">When it was claimed, from <see cref="TimeProvider.GetTimestamp"/>.</param>
    public InFlightTask(ClaimedTask task, CancellationToken abortToken, long startedTimestamp)
    {
        Task = task;
        AbortToken = abortToken;
        StartedTimestamp = startedTimestamp;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(abortToken);
    }

    public ClaimedTask Task { get; }

    public CancellationToken AbortToken { get; }

    public long StartedTimestamp { get; }

    /// <summary>Fires on abort, on a lost lease and on a cancellation request (the timeout is linked in by the executor).</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Whether it runs in the reserve slot (a private-queue task claimed while every slot was busy).</summary>
    public bool Reserve { get; init; }

    /// <summary>The run of this task (set by the consume loop right after it registers the task).</summary>
    public Task? Execution { get; set; }

    /// <summary>Another worker took the task over (or it was deleted): this worker must not complete it.</summary>
    public bool LeaseLost => _leaseLost;

    /// <summary>Someone asked to cancel the task while it ran.</summary>
    public bool CancelRequested => _cancelRequested;

    public void MarkLeaseLost()
    {
        _leaseLost = true;
        TryCancel();
    }

    public void MarkCancelRequested()
    {
        _cancelRequested = true;
        TryCancel();
    }

    public void Dispose() => _cts.Dispose();

    private void TryCancel()
    {
        try
        {
            // Asynchronously: the handler's continuations must not run on (and hold up) the renewal loop's thread.
            _ = _cts.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the renewal's snapshot and now: nothing left to cancel.
        }
    }
}
