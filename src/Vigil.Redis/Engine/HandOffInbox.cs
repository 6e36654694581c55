using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <summary>
/// The tasks handed directly to one worker of this process (see <c>LuaScripts.HandOff</c>) that it has not taken yet, and
/// the queues it registered on as waiting. Its next claim of their queues takes them without a round trip.
/// </summary>
/// <remarks>
/// Holds no more than the room of the worker's registration in the normal course: the tasks its claim asked for and did
/// not get, which its next claim asks for again. Once the worker stops claiming, the inbox is closed: a hand-off still on
/// its way is refused, and the engine gives the task back.
/// </remarks>
internal sealed class HandOffInbox
{
    private readonly Lock _gate = new();
    private readonly List<(ClaimedTask Task, long ReceivedAt)> _tasks = [];
    private readonly HashSet<string> _registeredQueues = new(StringComparer.Ordinal);
    private bool _closed;

    /// <summary>Notes a claim of the worker that may register it on these queues: it is alive (again).</summary>
    /// <param name="queues">The claim's queues.</param>
    public void Claiming(IReadOnlyList<string> queues)
    {
        lock (_gate)
        {
            _closed = false;
            for (var i = 0; i < queues.Count; i++)
            {
                _registeredQueues.Add(queues[i]);
            }
        }
    }

    /// <summary>How many handed tasks wait for the worker's claim.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _tasks.Count;
            }
        }
    }

    /// <summary>Keeps a handed task for the worker's next claim (once: a message delivered twice is kept once).</summary>
    /// <param name="task">The task.</param>
    /// <param name="receivedAt">When it arrived (a <see cref="TimeProvider"/> timestamp of this process).</param>
    /// <returns><see langword="false"/> when the worker stopped claiming: the caller gives the task back.</returns>
    public bool TryAdd(ClaimedTask task, long receivedAt)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (!_tasks.Exists(t => t.Task.Id == task.Id && t.Task.Attempt == task.Attempt))
            {
                _tasks.Add((task, receivedAt));
            }

            return true;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> handed tasks of <paramref name="queues"/>, oldest first.</summary>
    /// <param name="max">The most to take.</param>
    /// <param name="queues">The claim's queues: tasks of other queues stay for a claim of theirs.</param>
    /// <param name="isStale">
    /// Whether a task that arrived at this timestamp is too old to take: its lease could end before it is lengthened, and
    /// another worker would take it over while this one ran it. Such tasks are handed back in <paramref name="stale"/>.
    /// </param>
    /// <param name="stale">The tasks too close to their lease's end, for the caller to give back; or null.</param>
    /// <returns>The tasks, or <see langword="null"/> when there are none.</returns>
    public List<ClaimedTask>? Take(int max, IReadOnlyList<string> queues, Func<long, bool> isStale, out List<ClaimedTask>? stale)
    {
        stale = null;
        lock (_gate)
        {
            if (_tasks.Count == 0)
            {
                return null;
            }

            List<ClaimedTask>? taken = null;
            for (var i = 0; i < _tasks.Count;)
            {
                var (task, receivedAt) = _tasks[i];
                if (isStale(receivedAt))
                {
                    (stale ??= []).Add(task);
                }
                else if ((taken?.Count ?? 0) < max && Contains(queues, task.Queue))
                {
                    (taken ??= []).Add(task);
                }
                else
                {
                    i++;
                    continue;
                }

                _tasks.RemoveAt(i);
            }

            return taken;
        }
    }

    /// <summary>
    /// Closes the inbox (the worker claims nothing more) and returns what it still held, for the caller to give back, and
    /// the queues the worker registered on, for the caller to end its registrations.
    /// </summary>
    /// <returns>The tasks the worker never took, and its queues.</returns>
    public (List<ClaimedTask> Left, string[] Queues) Close()
    {
        lock (_gate)
        {
            _closed = true;
            var left = _tasks.ConvertAll(t => t.Task);
            _tasks.Clear();
            var queues = _registeredQueues.ToArray();
            _registeredQueues.Clear();
            return (left, queues);
        }
    }

    private static bool Contains(IReadOnlyList<string> queues, string queue)
    {
        for (var i = 0; i < queues.Count; i++)
        {
            if (string.Equals(queues[i], queue, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
