namespace Vigil.Redis.Engine;

/// <summary>
/// Group commit: calls that arrive while a round trip is in flight are gathered and sent together as one batch when it
/// returns. The first call of a quiet period is sent at once, on the caller's own thread, so an idle system adds no
/// latency; under load many calls share one round trip and one script run. Each caller still gets its own answer.
/// </summary>
/// <typeparam name="TItem">What a caller submits.</typeparam>
/// <typeparam name="TResult">What a caller gets back.</typeparam>
/// <remarks>
/// When a batch's answer arrives, the next batch is sent first and only then are the callers of the stored batch
/// answered. They are answered inline, on the thread that received the answer (not each through the thread pool):
/// one thread hop less per call, which on a busy worker is a good part of a call's CPU. Sending first means a caller's
/// continuation never delays anyone's round trip. Calls those callers make to another group commit meanwhile leave
/// together once all are answered (<see cref="GroupCommitScope"/>).
/// </remarks>
internal sealed class GroupCommit<TItem, TResult>
{
    private readonly Func<List<Entry>, Task<TResult[]>> _send;
    private readonly int _maxBatch;
    private readonly Action _startLoop;
    private readonly Lock _gate = new();
    private List<Entry> _pending = [];
    private bool _sending;

    /// <summary>Creates a group commit.</summary>
    /// <param name="send">
    /// Sends one batch and returns one answer per entry, in order. An exception fails every entry of the batch (the
    /// batch is one atomic step: stored whole or not at all).
    /// </param>
    /// <param name="maxBatch">The most entries per batch.</param>
    public GroupCommit(Func<List<Entry>, Task<TResult[]>> send, int maxBatch)
    {
        _send = send;
        _maxBatch = maxBatch;
        _startLoop = () => _ = SendLoopAsync();
    }

    /// <summary>Submits one call; the task completes when its batch was stored (or failed).</summary>
    /// <param name="item">The call.</param>
    /// <returns>The call's own answer.</returns>
    public Task<TResult> SubmitAsync(TItem item)
    {
        // Continuations run inline when the loop answers (see the remarks); the loop never holds a lock while answering.
        var done = new TaskCompletionSource<TResult>();
        bool lead;
        lock (_gate)
        {
            _pending.Add(new Entry(item, done));
            lead = !_sending;
            _sending = true;
        }

        if (lead)
        {
            if (GroupCommitScope.Answering)
            {
                // Called back from another batch's answers: leave together with the other callers' calls.
                GroupCommitScope.Defer(_startLoop);
            }
            else
            {
                // Runs synchronously up to the first await, so the batch leaves on this thread now.
                _ = SendLoopAsync();
            }
        }

        return done.Task;
    }

    private async Task SendLoopAsync()
    {
        var batch = TakeBatch()!;
        var sending = SendAsync(batch);
        while (true)
        {
            TResult[]? results = null;
            Exception? error = null;
            try
            {
                results = await sending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The loop must outlive any failure: each caller of this batch gets it; later batches go as usual.
                error = ex;
            }

            var next = TakeBatch();
            if (next is not null)
            {
                sending = SendAsync(next);
            }

            Answer(batch, results, error);
            if (next is null)
            {
                return;
            }

            batch = next;
        }
    }

    /// <summary>Takes the next batch, or ends the sending turn (under the lock, so no call is left behind) when none waits.</summary>
    private List<Entry>? TakeBatch()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _sending = false;
                return null;
            }

            if (_pending.Count <= _maxBatch)
            {
                var all = _pending;
                _pending = [];
                return all;
            }

            var some = _pending.GetRange(0, _maxBatch);
            _pending.RemoveRange(0, _maxBatch);
            return some;
        }
    }

    private Task<TResult[]> SendAsync(List<Entry> batch)
    {
        try
        {
            return _send(batch);
        }
        catch (Exception ex)
        {
            return Task.FromException<TResult[]>(ex);
        }
    }

    private static void Answer(List<Entry> batch, TResult[]? results, Exception? error)
    {
        GroupCommitScope.Enter();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (results is not null && i < results.Length)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
                else
                {
                    batch[i].Done.TrySetException(error ?? new InvalidOperationException($"The storage answered {results?.Length ?? 0} of {batch.Count} calls of a batch."));
                }
            }
        }
        finally
        {
            GroupCommitScope.Exit();
        }
    }

    /// <summary>One submitted call and where its answer goes.</summary>
    /// <param name="Item">The call.</param>
    /// <param name="Done">Completed with the call's answer.</param>
    internal readonly record struct Entry(TItem Item, TaskCompletionSource<TResult> Done);
}
