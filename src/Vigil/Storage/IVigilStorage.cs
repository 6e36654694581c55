using Vigil.Realtime;
using Vigil.Statistics;
using Vigil.Tasks;
using Vigil.Workers;

namespace Vigil.Storage;

/// <summary>
/// The one place where tasks, states, workers and statistics live. Every engine (SQLite, Redis) implements this contract,
/// and the storage conformance suite states it once for all of them.
/// </summary>
/// <remarks>
/// <para>Rules every engine keeps:</para>
/// <list type="bullet">
/// <item>A call that returns has stored what it says; a call that throws stored nothing of its own (it is atomic).</item>
/// <item>Unreachable storage or a call past its timeout throws <see cref="StorageUnavailableException"/>.</item>
/// <item>All times come from the engine's injected <see cref="TimeProvider"/>, so tests can drive them.</item>
/// <item>Statistics counters change in the same atomic step as the state change they count.</item>
/// <item>Several processes may use one storage at once; a task is claimed by one worker at a time.</item>
/// </list>
/// </remarks>
public interface IVigilStorage
{
    /// <summary>The engine's name: <c>sqlite</c>, <c>redis</c>.</summary>
    string EngineName { get; }

    /// <summary>Where the data is, for logs and reports, without secrets (a file path, <c>host:port</c>).</summary>
    string Location { get; }

    /// <summary>
    /// Connects, creates the schema if it is missing, and checks that the store is a Vigil store of a known version.
    /// Called once at start-up; idempotent.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the storage is ready.</returns>
    /// <exception cref="StorageUnavailableException">The store cannot be reached or opened.</exception>
    /// <exception cref="InvalidOperationException">The store is not a Vigil store (names what it found and the fix).</exception>
    Task InitializeAsync(CancellationToken cancellationToken);

    // ---- Tasks: the producer and consumer side -------------------------------------------------------------------

    /// <summary>
    /// Stores tasks in one round trip, in order. A task with a future <see cref="NewTask.DueAt"/> is scheduled, others
    /// queued (an engine may hand a queued task to a waiting worker in the same step: it is then running when this
    /// returns). A task whose <see cref="NewTask.IdempotencyKey"/> matches a non-terminal task is not stored: its result
    /// carries the existing id and <see cref="EnqueueResult.Deduplicated"/>.
    /// </summary>
    /// <param name="tasks">The tasks, already validated.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per task, in order.</returns>
    ValueTask<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<NewTask> tasks, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <see cref="ClaimRequest.MaxCount"/> ready tasks of the given queues: queued tasks, scheduled or retrying
    /// tasks whose time has come, and running tasks whose lease expired (taken over from a vanished worker; their open
    /// attempt is closed as <c>lease-expired</c>). Each claimed task becomes running under a lease held by the worker,
    /// its attempt number grows by one, and a new attempt opens in its timeline. Oldest ready first.
    /// </summary>
    /// <param name="request">The claim.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed tasks; empty when none is ready.</returns>
    ValueTask<IReadOnlyList<ClaimedTask>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken);

    /// <summary>Extends the leases the worker holds on running tasks, in one round trip.</summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="taskIds">The tasks it runs.</param>
    /// <param name="leaseDuration">The new lease length from now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One answer per task, in order: whether the lease is still held, and whether cancellation was asked.</returns>
    ValueTask<IReadOnlyList<LeaseRenewal>> RenewLeasesAsync(
        string workerId, IReadOnlyList<string> taskIds, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Ends an attempt, if the worker still holds the task's lease for that attempt (fencing: a worker whose lease was
    /// taken over cannot overwrite the new owner's work). Closes the attempt in the timeline, moves the task to the
    /// outcome's state and counts it in the statistics.
    /// </summary>
    /// <param name="completion">The outcome.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the lease was no longer held: nothing was changed.</returns>
    ValueTask<bool> CompleteAsync(TaskCompletion completion, CancellationToken cancellationToken);

    /// <summary>
    /// Says that the worker claims nothing more for now (it drains to stop, or to recycle): an engine that hands tasks to
    /// waiting workers ahead of their claim stops doing so, and gives back what it holds for this worker. A later claim
    /// of the worker undoes it. Engines without such a hand-off have nothing to do.
    /// </summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is done.</returns>
    ValueTask StopClaimingAsync(string workerId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Waits until a task may be ready in one of the queues, or <paramref name="maxWait"/> passes, whichever is first.
    /// May return early spuriously; the caller claims and calls again. Never holds a shared connection while waiting.
    /// </summary>
    /// <param name="queues">The queues.</param>
    /// <param name="maxWait">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait (returns without throwing is also fine).</param>
    /// <returns>A task that completes when work may be ready.</returns>
    ValueTask WaitForWorkAsync(IReadOnlyList<string> queues, TimeSpan maxWait, CancellationToken cancellationToken);

    // ---- Tasks: the query and admin side ---------------------------------------------------------------------------

    /// <summary>Reads one task with its timeline.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/> if there is none with this id (never was, deleted, or past retention).</returns>
    ValueTask<TaskRecord?> GetTaskAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Lists tasks, newest first, without their timelines.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the total that match.</returns>
    ValueTask<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a task: a scheduled, queued or retrying task becomes cancelled at once; a running task gets
    /// <see cref="TaskRecord.CancelRequested"/>, which its worker sees at its next lease renewal.
    /// </summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> if there is no such task or it is terminal already.</returns>
    ValueTask<bool> CancelAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Queues a dead or cancelled task again, with a fresh budget of attempts; its timeline is kept.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> if there is no such task or it is not dead or cancelled.</returns>
    ValueTask<bool> RetryAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Deletes a task that is not running.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> if there is no such task or it is running (cancel it first).</returns>
    ValueTask<bool> DeleteAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Summarizes every queue that has tasks or a worker, ordered by name.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The queues.</returns>
    ValueTask<IReadOnlyList<QueueSummary>> GetQueuesAsync(CancellationToken cancellationToken);

    /// <summary>Reads the per-minute statistics buckets in a range.</summary>
    /// <param name="query">The range and filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The buckets that have counts, oldest first.</returns>
    ValueTask<IReadOnlyList<StatisticsBucket>> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what is past retention: terminal tasks finished before <paramref name="finishedBefore"/> (dead tasks before
    /// <paramref name="deadBefore"/>), statistics buckets and events older than <paramref name="statisticsBefore"/>, and
    /// worker records whose last heartbeat is older than <paramref name="statisticsBefore"/>.
    /// </summary>
    /// <param name="finishedBefore">Succeeded and cancelled tasks finished before this go.</param>
    /// <param name="deadBefore">Dead tasks finished before this go.</param>
    /// <param name="statisticsBefore">Statistics, events and stale worker records older than this go.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were removed.</returns>
    ValueTask<long> PurgeAsync(
        DateTimeOffset finishedBefore, DateTimeOffset deadBefore, DateTimeOffset statisticsBefore, CancellationToken cancellationToken);

    // ---- Workers ---------------------------------------------------------------------------------------------------

    /// <summary>Writes a worker's heartbeat record (insert or replace).</summary>
    /// <param name="heartbeat">The record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is stored.</returns>
    ValueTask RecordHeartbeatAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken);

    /// <summary>Reads every worker record, stale ones included (health decides what stale means).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The records, ordered by worker id.</returns>
    ValueTask<IReadOnlyList<WorkerHeartbeat>> GetWorkersAsync(CancellationToken cancellationToken);

    /// <summary>Removes a worker's record (at its clean exit).</summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is removed.</returns>
    ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken);

    // ---- Coordination ----------------------------------------------------------------------------------------------

    /// <summary>Takes or renews a named lease-lock: succeeds if the lock is free, expired, or already held by <paramref name="owner"/>.</summary>
    /// <param name="name">The lock, such as <c>sentinel</c>.</param>
    /// <param name="owner">Who takes it.</param>
    /// <param name="ttl">How long it is held unless renewed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether <paramref name="owner"/> holds the lock now.</returns>
    ValueTask<bool> TryAcquireLockAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Releases a lock if <paramref name="owner"/> holds it.</summary>
    /// <param name="name">The lock.</param>
    /// <param name="owner">Who releases it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is released.</returns>
    ValueTask ReleaseLockAsync(string name, string owner, CancellationToken cancellationToken);

    // ---- Health ----------------------------------------------------------------------------------------------------

    /// <summary>Writes a unique key, reads it back and removes it: proof that the storage answers reads and writes now.</summary>
    /// <param name="cancellationToken">Cancels the call (a caller passes its timeout here).</param>
    /// <returns>The round-trip time.</returns>
    /// <exception cref="StorageUnavailableException">The storage did not answer, or read back something else.</exception>
    ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Drops and rebuilds the engine's connections (first step of the recovery ladder): a half-open socket or a broken
    /// pool is replaced instead of waited on.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when new connections are ready (or failed to be made, which is logged).</returns>
    Task ResetConnectionAsync(CancellationToken cancellationToken);

    // ---- Real-time event feed -----------------------------------------------------------------------------------------

    /// <summary>Publishes an event to every process reading the feed.</summary>
    /// <param name="vigilEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is published.</returns>
    ValueTask PublishEventAsync(VigilEvent vigilEvent, CancellationToken cancellationToken);

    /// <summary>Reads events published after <paramref name="afterCursor"/>.</summary>
    /// <param name="afterCursor">The cursor of the last read; <see langword="null"/> to start from now (no past events).</param>
    /// <param name="maxCount">The most events to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events and the cursor to read on from.</returns>
    ValueTask<EventBatch> ReadEventsAsync(string? afterCursor, int maxCount, CancellationToken cancellationToken);
}
