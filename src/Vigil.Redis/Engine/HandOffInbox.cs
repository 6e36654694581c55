using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <summary>
/// The tasks handed directly to one worker of this process (see <c>LuaScripts.HandOff</c>) that it has not taken yet, and
/// the queues it last registered on as waiting. Its next claim takes them without a round trip.
/// </summary>
/// <remarks>
/// Holds at most the room of the worker's registration: the tasks its claim asked for and did not get, which is no more
/// than its next claim asks for. Once the worker is removed, the inbox is closed: a hand-off that was still on its way is
/// refused, and the engine gives the task back.
/// </remarks>
internal sealed class HandOffInbox
{
    private readonly Lock _gate = new();
    private readonly Queue<ClaimedTask> _tasks = new();
    private IReadOnlyList<string>? _registeredQueues;
    private bool _closed;

    /// <summary>The queues of the worker's last registration (the queues of its last claim that ran dry), if any.</summary>
    public IReadOnlyList<string>? RegisteredQueues
    {
        get
        {
            lock (_gate)
            {
                return _registeredQueues;
            }
        }
    }

    /// <summary>Notes a claim of the worker: it is alive (again), and may be registered on these queues.</summary>
    /// <param name="queues">The claim's queues (the first slot's, on Cluster).</param>
    public void Claiming(IReadOnlyList<string> queues)
    {
        lock (_gate)
        {
            _closed = false;
            _registeredQueues = queues;
        }
    }

    /// <summary>Keeps a handed task for the worker's next claim.</summary>
    /// <param name="task">The task.</param>
    /// <returns><see langword="false"/> when the worker was removed: the caller gives the task back.</returns>
    public bool TryAdd(ClaimedTask task)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _tasks.Enqueue(task);
            return true;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> handed tasks, oldest first.</summary>
    /// <param name="max">The most to take.</param>
    /// <param name="staleBefore">
    /// Tasks whose hand-off lease ends before this are dropped, not taken: their lease could end before it is lengthened,
    /// and a claim takes them over (a worker that took one would run it beside its new owner).
    /// </param>
    /// <param name="dropped">How many were dropped.</param>
    /// <returns>The tasks, or <see langword="null"/> when there are none.</returns>
    public List<ClaimedTask>? Take(int max, DateTimeOffset staleBefore, out int dropped)
    {
        dropped = 0;
        lock (_gate)
        {
            if (_tasks.Count == 0)
            {
                return null;
            }

            var taken = new List<ClaimedTask>(Math.Min(max, _tasks.Count));
            while (taken.Count < max && _tasks.TryDequeue(out var task))
            {
                if (task.LeaseExpiresAt < staleBefore)
                {
                    dropped++;
                    continue;
                }

                taken.Add(task);
            }

            return taken.Count == 0 ? null : taken;
        }
    }

    /// <summary>Closes the inbox (the worker was removed) and returns what it still held, for the caller to give back.</summary>
    /// <returns>The tasks the worker never took.</returns>
    public List<ClaimedTask> Close()
    {
        lock (_gate)
        {
            _closed = true;
            _registeredQueues = null;
            var left = new List<ClaimedTask>(_tasks);
            _tasks.Clear();
            return left;
        }
    }
}
