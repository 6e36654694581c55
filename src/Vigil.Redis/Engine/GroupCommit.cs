namespace Vigil.Redis.Engine;

/// <summary>
/// Group commit: calls that arrive while a round trip is in flight are gathered and sent together as one batch when it
/// returns. The first call of a quiet period is sent at once, on the caller's own thread, so an idle system adds no
/// latency; under load many calls share one round trip and one script run. Each caller still gets its own answer.
/// </summary>
/// <typeparam name="TItem">What a caller submits.</typeparam>
/// <typeparam name="TResult">What a caller gets back.</typeparam>
internal sealed class GroupCommit<TItem, TResult>
{
    private readonly Func<List<Entry>, Task> _send;
    private readonly int _maxBatch;
    private readonly Lock _gate = new();
    private List<Entry> _pending = [];
    private List<Entry>? _spare;
    private bool _sending;

    /// <summary>Creates a group commit.</summary>
    /// <param name="send">
    /// Sends one batch and sets every entry's <see cref="Entry.Done"/>. An exception it throws fails every entry of the
    /// batch it did not set (the batch is one atomic step: stored whole or not at all).
    /// </param>
    /// <param name="maxBatch">The most entries per batch.</param>
    public GroupCommit(Func<List<Entry>, Task> send, int maxBatch)
    {
        _send = send;
        _maxBatch = maxBatch;
    }

    /// <summary>Submits one call; the task completes when its batch was stored (or failed).</summary>
    /// <param name="item">The call.</param>
    /// <returns>The call's own answer.</returns>
    public Task<TResult> SubmitAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_gate)
        {
            _pending.Add(new Entry(item, done));
            lead = !_sending;
            _sending = true;
        }

        if (lead)
        {
            // Runs synchronously up to the first await, so the batch leaves on this thread now; the loop then sends
            // what gathered meanwhile from the completion of each round trip, until nothing is waiting.
            _ = SendLoopAsync();
        }

        return done.Task;
    }

    private async Task SendLoopAsync()
    {
        while (true)
        {
            List<Entry> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return;
                }

                if (_pending.Count <= _maxBatch)
                {
                    batch = _pending;
                    _pending = _spare ?? [];
                    _spare = null;
                }
                else
                {
                    batch = _pending.GetRange(0, _maxBatch);
                    _pending.RemoveRange(0, _maxBatch);
                }
            }

            try
            {
                await _send(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The loop must outlive any failure: each caller of this batch gets it; later batches are sent as usual.
                foreach (var entry in batch)
                {
                    entry.Done.TrySetException(ex);
                }
            }

            batch.Clear();
            lock (_gate)
            {
                _spare ??= batch;
            }
        }
    }

    /// <summary>One submitted call and where its answer goes.</summary>
    /// <param name="Item">The call.</param>
    /// <param name="Done">Completed with the call's answer.</param>
    internal readonly record struct Entry(TItem Item, TaskCompletionSource<TResult> Done);
}
