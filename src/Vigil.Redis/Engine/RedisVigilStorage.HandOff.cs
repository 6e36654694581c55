using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vigil.Redis.Connection;
using Vigil.Redis.Scripts;
using Vigil.Storage;

namespace Vigil.Redis.Engine;

/// <content>
/// The direct hand-off (<see cref="LuaScripts.HandOff"/>): a worker whose claim ran dry is registered as waiting, with
/// this process's hand-off channel; an enqueue leases the next ready task of its queues to it and publishes the task on
/// that channel. The message lands in the worker's <see cref="HandOffInbox"/> and wakes its wait; its next claim takes
/// the task from there, with no round trip, and the engine lengthens the short hand-off lease meanwhile.
/// </content>
/// <remarks>
/// What can go wrong ends in a lease that expires within <see cref="HandOffLease"/>, after which any claim starts the task
/// (a handed run that was never taken does not count as an attempt): a worker that died while registered, a message lost
/// with the subscription's connection (no registration is made while the channel is not subscribed). A worker that stops
/// claiming (drain, recycle, stop) ends its registrations and gives back what it was handed at once, and so does a claim
/// that comes too late for a handed task.
/// </remarks>
internal sealed partial class RedisVigilStorage
{
    /// <summary>
    /// How long a task handed to a waiting worker stays leased to it before the worker takes it: long enough for any
    /// delivery and for lengthening the lease after it, short enough that a task handed to a worker that just died soon
    /// starts elsewhere.
    /// </summary>
    internal static readonly TimeSpan HandOffLease = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A handed task is taken only while its hand-off lease has this much left, counted from its arrival by this process's
    /// clock (not from the lease's end, which the producer's clock set): time to lengthen it (one operation timeout, 5 s
    /// by default).
    /// </summary>
    private static readonly TimeSpan HandOffLeaseMargin = TimeSpan.FromSeconds(5);

    /// <summary>The pause between tries to lengthen a handed task's lease while Redis does not answer.</summary>
    private static readonly TimeSpan LengthenRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The fields of a hand-off message (see <see cref="LuaScripts.HandOff"/>).</summary>
    private const int HandOffFields = 13;

    private readonly ConcurrentDictionary<string, HandOffInbox> _inboxes = new(StringComparer.Ordinal);
    private readonly RedisChannel _handOffChannel;
    private readonly string _handOffChannelName;

    // The subscriber of the current connection once the hand-off channel is subscribed on it (null before).
    private ISubscriber? _handOffSubscriber;

    private bool HandOffEnabled => _options.HandOffWindow > TimeSpan.Zero;

    /// <summary>Whether this process's workers register for hand-offs now (the channel is subscribed on a live connection).</summary>
    internal bool HandOffReady => HandOffEnabled && Volatile.Read(ref _handOffSubscriber) is { } subscriber && subscriber.IsConnected(_handOffChannel);

    /// <summary>The enqueue script's hand-off lease argument (µs; 0 = no hand-off).</summary>
    private long HandOffLeaseMicros => HandOffEnabled ? HandOffLease.Ticks / 10 : 0;

    private HandOffInbox Inbox(string workerId) => _inboxes.GetOrAdd(workerId, static _ => new HandOffInbox());

    /// <summary>
    /// The claim script's registration argument: when a registration made now ends (µs); -1 when this process cannot
    /// take hand-offs now (the script then ends any registration of the worker); 0 when the hand-off is off.
    /// </summary>
    private long RegistrationEnds(DateTimeOffset now) =>
        !HandOffEnabled ? 0 : HandOffReady ? ToMicros(now + _options.HandOffWindow) : -1;

    /// <summary>
    /// The tasks handed to the worker, if any, as the answer of its claim: no round trip. Their leases are lengthened to
    /// the claim's lease duration in the background.
    /// </summary>
    private IReadOnlyList<ClaimedTask>? TakeHandedTasks(ClaimRequest request)
    {
        if (!_inboxes.TryGetValue(request.WorkerId, out var inbox) || inbox.Count == 0
            || _connection.Current is not { IsConnected: true })
        {
            // Nothing handed; or Redis cannot be reached now, so the lease could not be lengthened: they wait (the claim
            // that follows reports the fault), and go back once too old.
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        var handed = inbox.Take(request.MaxCount, request.Queues, IsStale, out var stale);
        if (stale is not null)
        {
            // Given back rather than started: their leases could end before they are lengthened.
            Log.HandOffTooLate(_logger, stale.Count, request.WorkerId);
            _ = GiveBackAsync(request.WorkerId, stale, CancellationToken.None);
        }

        if (handed is null)
        {
            return null;
        }

        // This claim did not look at the queues: the next wait for work must look for itself (see WaitForWorkAsync).
        Volatile.Write(ref _lastDrainedClaim, null);
        var leaseAt = now + request.LeaseDuration;
        var ids = new string[handed.Count];
        for (var i = 0; i < handed.Count; i++)
        {
            ids[i] = handed[i].Id;
            handed[i] = handed[i] with { LeaseExpiresAt = leaseAt };
        }

        _ = LengthenHandedLeasesAsync(request.WorkerId, ids, request.LeaseDuration);
        return handed;
    }

    /// <summary>Whether a handed task that arrived at <paramref name="receivedAt"/> is too old to take (see <see cref="HandOffLeaseMargin"/>).</summary>
    private bool IsStale(long receivedAt) => _timeProvider.GetElapsedTime(receivedAt) > HandOffLease - HandOffLeaseMargin;

    /// <summary>How many handed tasks wait for the worker's claim (tests).</summary>
    internal int HandedWaiting(string workerId) => _inboxes.TryGetValue(workerId, out var inbox) ? inbox.Count : 0;

    private async Task LengthenHandedLeasesAsync(string workerId, string[] ids, TimeSpan leaseDuration)
    {
        // Tried again while the hand-off lease may still stand (from the take: at least the margin), not after it.
        var started = _timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answers = await RenewLeasesAsync(workerId, ids, leaseDuration, CancellationToken.None).ConfigureAwait(false);
                foreach (var answer in answers)
                {
                    if (!answer.Held)
                    {
                        // Taken over already (the worker came too late): its own lease renewal stops the run.
                        Log.HandOffLeaseLost(_logger, answer.TaskId, workerId);
                    }
                }

                return;
            }
            catch (StorageUnavailableException ex) when (_timeProvider.GetElapsedTime(started) + LengthenRetryDelay < HandOffLeaseMargin)
            {
                Log.HandOffLeaseNotLengthened(_logger, workerId, attempt, ex.Message);
                await Task.Delay(LengthenRetryDelay, _timeProvider).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The worker's own lease renewal tries again; until then the short hand-off lease stands.
                Log.HandOffLeaseNotLengthened(_logger, workerId, attempt, ex.Message);
                return;
            }
        }
    }

    /// <summary>A hand-off message: the task goes to its worker's inbox and the worker's wait is woken.</summary>
    private void OnHandOff(ConnectionMultiplexer multiplexer, RedisValue message)
    {
        if (!ReferenceEquals(_connection.Current, multiplexer))
        {
            // A replaced connection, still subscribed for a moment beside the new one: the new one delivers it.
            return;
        }

        var fields = new string[HandOffFields];
        if (!TryReadHandOff(message, fields))
        {
            // Not from this version of Vigil: the task's short lease expires and a claim takes it over.
            Log.HandOffUnreadable(_logger, _handOffChannelName);
            return;
        }

        var workerId = fields[0];
        ClaimedTask task;
        try
        {
            task = NewClaimedTask(
                queue: fields[1], id: fields[2], type: fields[3], payload: fields[4], attempt: ParseInt(fields[5]), maxAttempts: ParseInt(fields[6]),
                timeout: fields[7], createdMicros: ParseLong(fields[8]), readySinceMicros: ParseLong(fields[9]), traceParent: fields[10],
                traceState: fields[11], takenOver: false, now: _timeProvider.GetUtcNow(), leaseExpires: FromMicros(ParseLong(fields[12])));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            Log.HandOffUnreadable(_logger, _handOffChannelName);
            return;
        }

        _claimedQueues[task.Id] = task.Queue;
        if (Inbox(workerId).TryAdd(task, _timeProvider.GetTimestamp()))
        {
            _wake.Signal(task.Queue);
            return;
        }

        // The worker stopped claiming while the task was on its way: give it back to the queue at once.
        _ = GiveBackAsync(workerId, [task], CancellationToken.None);
    }

    /// <summary>Reads the length-prefixed fields of a hand-off message (<c>length:bytes</c> each, UTF-8).</summary>
    internal static bool TryReadHandOff(RedisValue message, string[] fields)
    {
        if (message.IsNullOrEmpty)
        {
            return false;
        }

        ReadOnlySpan<byte> data = ((ReadOnlyMemory<byte>)message).Span;
        var position = 0;
        for (var f = 0; f < fields.Length; f++)
        {
            var rest = data[position..];
            var colon = rest.IndexOf((byte)':');
            if (colon <= 0 || !Utf8Parser.TryParse(rest[..colon], out int length, out var consumed) || consumed != colon
                || length < 0 || length > rest.Length - colon - 1)
            {
                return false;
            }

            fields[f] = Encoding.UTF8.GetString(rest.Slice(colon + 1, length));
            position += colon + 1 + length;
        }

        return position == data.Length;
    }

    public ValueTask StopClaimingAsync(string workerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return new ValueTask(EndHandOffsAsync(workerId, cancellationToken));
    }

    /// <summary>
    /// When a worker stops claiming (and at its removal): no more hand-offs to it, and what it was handed but never took
    /// goes back to its queue (the release outcome: the attempt does not count).
    /// </summary>
    private async Task EndHandOffsAsync(string workerId, CancellationToken cancellationToken)
    {
        if (!_inboxes.TryGetValue(workerId, out var inbox))
        {
            return;
        }

        var (left, queues) = inbox.Close();
        try
        {
            var first = 0;
            while (first < queues.Length)
            {
                var count = IsCluster ? SameSlotRun(queues, first) : queues.Length - first;
                var args = QueueArgs(queues[first], _timeProvider.GetUtcNow(), 1 + count);
                args[FirstArg] = workerId;
                for (var q = 0; q < count; q++)
                {
                    args[FirstArg + 1 + q] = queues[first + q];
                }

                await RunScriptAsync("unregister worker", RedisScripts.Unregister, _keys.Queue(queues[first]).MetaKeys, args, cancellationToken).ConfigureAwait(false);
                first += count;
            }
        }
        finally
        {
            await GiveBackAsync(workerId, left, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases tasks handed to the worker that it never took; all at once (one group commit), never throws.</summary>
    private async Task GiveBackAsync(string workerId, List<ClaimedTask> tasks, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0)
        {
            return;
        }

        await Task.WhenAll(tasks.Select(GiveBackOneAsync)).ConfigureAwait(false);

        async Task GiveBackOneAsync(ClaimedTask task)
        {
            try
            {
                await CompleteAsync(
                    new TaskCompletion { TaskId = task.Id, WorkerId = workerId, Attempt = task.Attempt, Outcome = CompletionOutcome.Released, RunTime = TimeSpan.Zero },
                    CancellationToken.None).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Its short hand-off lease ends, and a claim starts it elsewhere.
                Log.HandOffNotGivenBack(_logger, task.Id, workerId, ex.Message);
            }
        }
    }

    /// <summary>
    /// Wake-up messages sent while the subscription's connection was down were lost: when it is back, every waiting
    /// worker of this process looks for work again.
    /// </summary>
    private void WatchSubscription(ConnectionMultiplexer multiplexer) =>
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && ReferenceEquals(_connection.Current, multiplexer))
            {
                _wake.SignalAll();
            }
        };

    private static int ParseInt(string value) => int.Parse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);

    private static long ParseLong(string value) => long.Parse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);
}
