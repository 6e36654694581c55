using Vigil.Storage;

namespace Vigil.Processing;

/// <summary>
/// A claimed task while this worker holds it: what the renewal loop needs (its id), the switches it flips (lease lost,
/// cancellation requested), which cancel the handler through <see cref="Token"/>, and the handler's own life (running,
/// finished or abandoned), which decides who ends the attempt.
/// </summary>
/// <remarks>
/// <para>One token source per attempt and no linking: the timeout is that source's own timer, and every other reason
/// (abort, lost lease, cancellation request) comes through a method here that sets its flag before it cancels. So the first
/// cancellation tells by the flags alone whether it was the timeout, and a run costs one source and one timer.</para>
/// <para>The slot (one of the worker's concurrency slots) is given back as soon as the handler is done, before its outcome
/// is stored; the lease is kept, and renewed, until the outcome is stored (<see cref="VigilWorker"/> removes the task then).</para>
/// </remarks>
internal sealed class InFlightTask : IDisposable
{
    private const int Invoking = 0;
    private const int Awaiting = 1;
    private const int Finished = 2;
    private const int Abandoned = 3;

    private const int SlotHeld = 1;
    private const int SlotReleased = 2;

    private readonly Action<InFlightTask> _slotReleased;
    private CancellationTokenSource? _cts;
    private CancellationTokenRegistration _firstCancel;
    private ITimer? _graceTimer;
    private TaskCompletionSource? _abandonedSignal;
    private Action<InFlightTask>? _abandonedWhileBlocked;
    private TimeProvider? _timeProvider;
    private TimeSpan _gracePeriod;
    private int _handlerState;
    private int _slot;
    private int _disposed;
    private volatile bool _leaseLost;
    private volatile bool _cancelRequested;
    private volatile bool _aborted;
    private volatile bool _timedOut;

    /// <param name="task">The claimed task.</param>
    /// <param name="abortToken">The worker's abort token (shutdown past its grace period).</param>
    /// <param name="claimedTimestamp">When it was claimed, from <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <param name="slotReleased">Called once, when the slot is given back.</param>
    public InFlightTask(ClaimedTask task, CancellationToken abortToken, long claimedTimestamp, Action<InFlightTask> slotReleased)
    {
        Task = task;
        AbortToken = abortToken;
        ClaimedTimestamp = claimedTimestamp;
        StartedTimestamp = claimedTimestamp;
        _slotReleased = slotReleased;
    }

    public ClaimedTask Task { get; }

    public CancellationToken AbortToken { get; }

    /// <summary>When it was claimed, from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long ClaimedTimestamp { get; }

    /// <summary>When its handler started (<see cref="Start"/>); until then, when it was claimed.</summary>
    public long StartedTimestamp { get; private set; }

    /// <summary>
    /// Fires on abort, on a lost lease, on a cancellation request and at the attempt's timeout. Valid after
    /// <see cref="Start"/>.
    /// </summary>
    public CancellationToken Token => _cts!.Token;

    /// <summary>Whether it runs in the reserve slot (a private-queue task claimed while every slot was busy).</summary>
    public bool Reserve { get; init; }

    /// <summary>The run of this task, storing its outcome included (set by the consume loop right after it registers it).</summary>
    public Task? Execution { get; set; }

    /// <summary>Another worker took the task over (or it was deleted): this worker must not complete it.</summary>
    public bool LeaseLost => _leaseLost;

    /// <summary>Someone asked to cancel the task while it ran.</summary>
    public bool CancelRequested => _cancelRequested;

    /// <summary>The attempt's timeout was the first reason its token fired.</summary>
    /// <remarks>
    /// Also read before the first-cancel callback ran (a handler's own continuation may run first, inside the cancel):
    /// cancelled with no other reason's flag set is the timeout then.
    /// </remarks>
    public bool TimedOut =>
        _timedOut || (Volatile.Read(ref _cts) is { IsCancellationRequested: true } && !_leaseLost && !_cancelRequested && !_aborted);

    /// <summary>Completes when the handler ignored its cancellation for the grace period (created on first use).</summary>
    public Task AbandonedTask
    {
        get
        {
            var signal = Volatile.Read(ref _abandonedSignal);
            if (signal is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                signal = Interlocked.CompareExchange(ref _abandonedSignal, created, null) ?? created;
            }

            if (Volatile.Read(ref _handlerState) == Abandoned)
            {
                signal.TrySetResult();
            }

            return signal.Task;
        }
    }

    /// <summary>
    /// Starts the attempt's clock: the timeout, and after any cancellation the grace period the handler has to honour it.
    /// </summary>
    /// <param name="timeout">The attempt's timeout.</param>
    /// <param name="gracePeriod">How long a handler may ignore its cancellation before it is abandoned.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="abandonedWhileBlocked">
    /// Called (on a timer thread) when the handler is abandoned while its invocation has not even returned (it blocks
    /// synchronously): nobody awaits it then, so the callee must end the attempt.
    /// </param>
    public void Start(TimeSpan timeout, TimeSpan gracePeriod, TimeProvider timeProvider, Action<InFlightTask> abandonedWhileBlocked)
    {
        StartedTimestamp = timeProvider.GetTimestamp();
        _gracePeriod = gracePeriod;
        _timeProvider = timeProvider;
        _abandonedWhileBlocked = abandonedWhileBlocked;
        var cts = new CancellationTokenSource(timeout, timeProvider);
        _firstCancel = cts.Token.UnsafeRegister(static s => ((InFlightTask)s!).OnFirstCancel(), this);
        Interlocked.Exchange(ref _cts, cts);

        // A reason that came before the source existed (a renewal between the claim and now) cancels it at once.
        if (AbortToken.IsCancellationRequested)
        {
            _aborted = true;
        }

        if (_leaseLost || _cancelRequested || _aborted)
        {
            TryCancel(cts);
        }
    }

    /// <summary>The handler's invocation returned a task that is not done yet: from now on it is awaited.</summary>
    /// <returns><see langword="false"/> when it was abandoned already while the invocation blocked.</returns>
    public bool MarkAwaiting() => Interlocked.CompareExchange(ref _handlerState, Awaiting, Invoking) == Invoking;

    /// <summary>The handler is done (returned or threw).</summary>
    /// <returns><see langword="false"/> when it was abandoned first: its outcome is not this run's to store.</returns>
    public bool MarkHandlerFinished()
    {
        var state = Volatile.Read(ref _handlerState);
        while (state is Invoking or Awaiting)
        {
            var seen = Interlocked.CompareExchange(ref _handlerState, Finished, state);
            if (seen == state)
            {
                return true;
            }

            state = seen;
        }

        return false;
    }

    public void MarkLeaseLost()
    {
        _leaseLost = true;
        CancelIfStarted();
    }

    public void MarkCancelRequested()
    {
        _cancelRequested = true;
        CancelIfStarted();
    }

    /// <summary>The worker aborts (shutdown past its grace period): cancel the handler; the task goes back to its queue.</summary>
    public void MarkAborted()
    {
        _aborted = true;
        CancelIfStarted();
    }

    /// <summary>The task takes a slot: it is about to run (a task claimed ahead holds none while it waits).</summary>
    public void TakeSlot() => Volatile.Write(ref _slot, SlotHeld);

    /// <summary>Gives the slot back to the worker, once; nothing if the task never took one.</summary>
    public void ReleaseSlot()
    {
        if (Interlocked.CompareExchange(ref _slot, SlotReleased, SlotHeld) == SlotHeld)
        {
            _slotReleased(this);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _firstCancel.Dispose();
        Volatile.Read(ref _graceTimer)?.Dispose();
        Volatile.Read(ref _cts)?.Dispose();
    }

    private void OnFirstCancel()
    {
        // Every other reason sets its flag before it cancels: none set means the source's own timer fired.
        if (!_leaseLost && !_cancelRequested && !_aborted)
        {
            _timedOut = true;
        }

        if (Volatile.Read(ref _handlerState) is Invoking or Awaiting && Volatile.Read(ref _disposed) == 0)
        {
            var timer = _timeProvider!.CreateTimer(static s => ((InFlightTask)s!).OnGraceElapsed(), this, _gracePeriod, Timeout.InfiniteTimeSpan);
            Interlocked.Exchange(ref _graceTimer, timer);
            if (Volatile.Read(ref _disposed) != 0)
            {
                timer.Dispose();
            }
        }
    }

    private void OnGraceElapsed()
    {
        if (Interlocked.CompareExchange(ref _handlerState, Abandoned, Awaiting) == Awaiting)
        {
            // The run awaits the handler together with this signal: it ends the attempt.
            _ = AbandonedTask;
            return;
        }

        if (Interlocked.CompareExchange(ref _handlerState, Abandoned, Invoking) == Invoking)
        {
            // The handler blocks inside its invocation, so the run cannot move: whoever is told ends the attempt.
            _abandonedWhileBlocked!(this);
        }
    }

    private void CancelIfStarted()
    {
        // A full fence between the flag written above and the source read below: Start writes the source, then reads the
        // flags, so one of the two sides always sees the other's write.
        Interlocked.MemoryBarrier();
        TryCancel(Volatile.Read(ref _cts));
    }

    private static void TryCancel(CancellationTokenSource? cts)
    {
        if (cts is null)
        {
            return;
        }

        try
        {
            // Asynchronously: the handler's continuations must not run on (and hold up) the caller's thread.
            _ = cts.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the caller's snapshot and now: nothing left to cancel.
        }
    }
}
