using System.Collections.Concurrent;

namespace Vigil.Redis.Engine;

/// <summary>
/// Per-queue wake-up flags fed by the Redis pub/sub channel. A signal that arrives while nobody waits is remembered, so
/// a worker that claimed nothing just before a task arrived does not sleep through it.
/// </summary>
internal sealed class WakeSignals
{
    private readonly ConcurrentDictionary<string, QueueSignal> _signals = new(StringComparer.Ordinal);

    public void Signal(string queue) => Get(queue).Set();

    public void SignalAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }
    }

    /// <summary>Consumes a pending signal of any of the queues, or returns a task that completes at the next signal.</summary>
    /// <param name="queues">The queues.</param>
    /// <param name="next">The task to wait on when none was pending.</param>
    /// <returns>Whether a signal was pending.</returns>
    public bool TryConsume(IReadOnlyList<string> queues, out Task next)
    {
        // Per queue, "pending?" and "which signal comes next" are read in one step: a signal between the two would
        // otherwise fire a task nobody holds and leave the waiter on the one after it, asleep until its time runs out.
        var consumed = false;
        Task? single = null;
        Task[]? all = null;
        for (var i = 0; i < queues.Count; i++)
        {
            if (Get(queues[i]).TryConsume(out var signal))
            {
                consumed = true;
            }
            else if (queues.Count == 1)
            {
                single = signal;
            }
            else
            {
                (all ??= new Task[queues.Count])[i] = signal!;
            }
        }

        if (consumed)
        {
            next = Task.CompletedTask;
            return true;
        }

        next = single ?? Task.WhenAny(all!);
        return false;
    }

    /// <summary>Clears the pending signals of the queues (a waiter they woke is about to claim from them).</summary>
    /// <param name="queues">The queues.</param>
    public void ClearPending(IReadOnlyList<string> queues)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            Get(queues[i]).TryConsume(out _);
        }
    }

    private QueueSignal Get(string queue) => _signals.GetOrAdd(queue, static _ => new QueueSignal());

    private sealed class QueueSignal
    {
        // Continuations run on the signalling thread (StackExchange.Redis's delivery of the wake-up message): the waiting
        // consume loop goes on at once to its claim, which it sends and awaits, instead of waiting for a thread-pool hop.
        private readonly Lock _gate = new();
        private TaskCompletionSource _next = new();
        private bool _pending;

        public void Set()
        {
            TaskCompletionSource fired;
            lock (_gate)
            {
                _pending = true;
                fired = _next;
                _next = new TaskCompletionSource();
            }

            fired.TrySetResult();
        }

        /// <summary>Consumes the pending signal, or gives the task of the next one (read together, under the lock).</summary>
        public bool TryConsume(out Task? next)
        {
            lock (_gate)
            {
                if (_pending)
                {
                    _pending = false;
                    next = null;
                    return true;
                }

                next = _next.Task;
                return false;
            }
        }
    }
}
