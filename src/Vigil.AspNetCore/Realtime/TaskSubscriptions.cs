using Vigil.Tasks;

namespace Vigil.AspNetCore.Realtime;

/// <summary>
/// Which connections watch which tasks, in this web process. The relay polls the state of watched tasks only, so the cost
/// of pushing results is proportional to what browsers look at, not to the task rate.
/// </summary>
internal sealed class TaskSubscriptions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watched> _byTask = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byConnection = new(StringComparer.Ordinal);
    private int _dashboardConnections;

    public enum AddResult
    {
        Added,
        AlreadySubscribed,
        ConnectionLimitReached,
        WatchLimitReached,
    }

    /// <summary>The number of open dashboard connections (the overview is pushed only while one is open).</summary>
    public int DashboardConnections => Volatile.Read(ref _dashboardConnections);

    /// <summary>The number of tasks whose state is watched.</summary>
    public int WatchedCount
    {
        get
        {
            lock (_gate)
            {
                return _byTask.Count;
            }
        }
    }

    public void DashboardConnected() => Interlocked.Increment(ref _dashboardConnections);

    public void DashboardDisconnected() => Interlocked.Decrement(ref _dashboardConnections);

    public AddResult Add(string connectionId, string taskId, int maxPerConnection, int maxWatched)
    {
        lock (_gate)
        {
            if (!_byConnection.TryGetValue(connectionId, out var tasks))
            {
                tasks = new HashSet<string>(StringComparer.Ordinal);
                _byConnection[connectionId] = tasks;
            }

            if (tasks.Contains(taskId))
            {
                // Watch again even if the task became terminal since: a hand retry makes it run once more.
                if (!_byTask.TryGetValue(taskId, out var again))
                {
                    again = new Watched();
                    _byTask[taskId] = again;
                }

                again.Connections.Add(connectionId);
                return AddResult.AlreadySubscribed;
            }

            if (tasks.Count >= maxPerConnection)
            {
                return AddResult.ConnectionLimitReached;
            }

            if (!_byTask.TryGetValue(taskId, out var watched))
            {
                if (_byTask.Count >= maxWatched)
                {
                    return AddResult.WatchLimitReached;
                }

                watched = new Watched();
                _byTask[taskId] = watched;
            }

            watched.Connections.Add(connectionId);
            tasks.Add(taskId);
            return AddResult.Added;
        }
    }

    public void Remove(string connectionId, string taskId)
    {
        lock (_gate)
        {
            if (_byConnection.TryGetValue(connectionId, out var tasks))
            {
                tasks.Remove(taskId);
                if (tasks.Count == 0)
                {
                    _byConnection.Remove(connectionId);
                }
            }

            if (_byTask.TryGetValue(taskId, out var watched))
            {
                watched.Connections.Remove(connectionId);
                if (watched.Connections.Count == 0)
                {
                    _byTask.Remove(taskId);
                }
            }
        }
    }

    public void RemoveConnection(string connectionId)
    {
        lock (_gate)
        {
            if (!_byConnection.Remove(connectionId, out var tasks))
            {
                return;
            }

            foreach (var taskId in tasks)
            {
                if (_byTask.TryGetValue(taskId, out var watched))
                {
                    watched.Connections.Remove(connectionId);
                    if (watched.Connections.Count == 0)
                    {
                        _byTask.Remove(taskId);
                    }
                }
            }
        }
    }

    /// <summary>A snapshot of the watched tasks and the state last pushed for each.</summary>
    public List<(string TaskId, TaskState? LastState, int LastAttempt)> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<(string, TaskState?, int)>(_byTask.Count);
            foreach (var (taskId, watched) in _byTask)
            {
                list.Add((taskId, watched.LastState, watched.LastAttempt));
            }

            return list;
        }
    }

    /// <summary>Records the state pushed for a task; a terminal (or vanished) task is no longer watched.</summary>
    public void Observed(string taskId, TaskState? state, int attempt, bool stopWatching)
    {
        lock (_gate)
        {
            if (!_byTask.TryGetValue(taskId, out var watched))
            {
                return;
            }

            watched.LastState = state;
            watched.LastAttempt = attempt;
            if (stopWatching)
            {
                // The connections stay in the task's SignalR group; only the state polling ends. Subscribing again
                // resumes it (after a hand retry, say).
                _byTask.Remove(taskId);
            }
        }
    }

    private sealed class Watched
    {
        public HashSet<string> Connections { get; } = new(StringComparer.Ordinal);

        public TaskState? LastState { get; set; }

        public int LastAttempt { get; set; } = -1;
    }
}
