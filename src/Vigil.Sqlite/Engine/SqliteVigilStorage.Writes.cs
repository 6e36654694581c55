using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Vigil.Sqlite.Connections;

namespace Vigil.Sqlite.Engine;

/// <content>
/// Group commit. Every write call queues its work and waits for this process's write gate on the file; whichever caller
/// gets the gate stores all the writes queued by then in one <c>BEGIN IMMEDIATE</c> transaction, each in a savepoint of
/// its own, and answers every caller. One commit per batch instead of one per call is what lets a worker complete and
/// announce thousands of tasks per second, while each call keeps its own answer and its own atomicity.
/// </content>
internal sealed partial class SqliteVigilStorage
{
    /// <summary>The most writes stored in one transaction.</summary>
    private const int MaxWritesPerCommit = 512;

    private readonly ConcurrentQueue<PendingWrite> _pendingWrites = new();

    /// <summary>Runs <paramref name="work"/> in a write transaction, possibly together with other calls' writes.</summary>
    /// <remarks>
    /// The call's answer is given only after the transaction that holds its write committed. An exception thrown by
    /// <paramref name="work"/> undoes that call's own changes only (its savepoint) and is thrown to that caller alone; a
    /// storage failure fails (and stores nothing of) the whole batch.
    /// </remarks>
    private async ValueTask<TResult> WriteAsync<TState, TResult>(
        string operation, TState state, Func<SqliteVigilStorage, SqliteSession, TState, TResult> work, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        var pending = new PendingWrite<TState, TResult>(operation, state, work);
        _pendingWrites.Enqueue(pending);

        // The call's own timeout is wall-clock on purpose: it bounds I/O and lock waits, which a test clock does not drive.
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.CommandTimeout);
            try
            {
                await _hub.WriteGate.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (pending.TryAbandon())
            {
                // No batch took it: nothing was stored for this call.
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw TimedOut(operation, ex);
            }
            catch (OperationCanceledException)
            {
                // A batch is storing it right now: that batch's outcome is this call's outcome.
                return await pending.Result.ConfigureAwait(false);
            }

            try
            {
                // Usually the first flush stores it; more than one only when many writes queued ahead of it.
                while (!pending.Result.IsCompleted)
                {
                    FlushWrites();
                }
            }
            finally
            {
                _hub.WriteGate.Release();
            }
        }

        return await pending.Result.ConfigureAwait(false);
    }

    /// <summary>Stores the queued writes in one transaction. The caller holds the write gate.</summary>
    private void FlushWrites()
    {
        var batch = new List<PendingWrite>();
        while (batch.Count < MaxWritesPerCommit && _pendingWrites.TryDequeue(out var pending))
        {
            if (pending.TryTake())
            {
                batch.Add(pending);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        var operation = batch.Count == 1 ? batch[0].Operation : $"store {batch.Count} writes ({batch[0].Operation}, ...)";
        try
        {
            // The batch's own timeout, not the flushing caller's token: one caller's cancellation must not fail the others.
            using var timeout = new CancellationTokenSource(_options.CommandTimeout);
            Run(
                operation,
                write: true,
                batch,
                static (self, session, batch) =>
                {
                    foreach (var pending in batch)
                    {
                        pending.Apply(self, session);
                    }

                    return 0;
                },
                timeout.Token);
        }
        catch (Exception ex)
        {
            // The transaction rolled back: nothing of the batch was stored, and every caller in it gets the error.
            var error = ex is OperationCanceledException ? TimedOut(operation, ex) : ex;
            foreach (var pending in batch)
            {
                pending.Fail(error);
            }

            return;
        }

        // Committed: only now may the callers be answered.
        foreach (var pending in batch)
        {
            pending.Publish();
        }
    }

    /// <summary>One call's write, waiting for a group commit.</summary>
    private abstract class PendingWrite(string operation)
    {
        private const int Waiting = 0, Taken = 1, Abandoned = 2;
        private int _state;

        public string Operation { get; } = operation;

        /// <summary>Claims it for a batch; false if its caller gave up.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

        /// <summary>Withdraws it (its caller was cancelled); false if a batch took it already.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;

        /// <summary>Runs the write inside the batch's transaction, in a savepoint of its own.</summary>
        public abstract void Apply(SqliteVigilStorage storage, SqliteSession session);

        /// <summary>Answers the caller once the batch committed.</summary>
        public abstract void Publish();

        /// <summary>Answers the caller with the batch's failure.</summary>
        public abstract void Fail(Exception error);
    }

    private sealed class PendingWrite<TState, TResult>(
        string operation, TState state, Func<SqliteVigilStorage, SqliteSession, TState, TResult> work) : PendingWrite(operation)
    {
        private readonly TaskCompletionSource<TResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TResult? _value;
        private Exception? _error;

        public Task<TResult> Result => _result.Task;

        public override void Apply(SqliteVigilStorage storage, SqliteSession session)
        {
            session.Execute("SAVEPOINT vigil_write");
            try
            {
                _value = work(storage, session, state);
                session.Execute("RELEASE vigil_write");
            }
            catch (Exception ex) when (ex is not SqliteException)
            {
                // This call's own error (a rejected argument, a duplicate id): undo its changes only, answer it alone.
                session.Execute("ROLLBACK TO vigil_write");
                session.Execute("RELEASE vigil_write");
                _error = ex;
            }
        }

        public override void Publish()
        {
            if (_error is not null)
            {
                _result.TrySetException(_error);
            }
            else
            {
                _result.TrySetResult(_value!);
            }
        }

        public override void Fail(Exception error) => _result.TrySetException(error);
    }
}
