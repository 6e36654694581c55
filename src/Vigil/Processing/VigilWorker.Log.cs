using Microsoft.Extensions.Logging;

namespace Vigil.Processing;

/// <content>The worker's log messages (event ids 2000–2099).</content>
internal sealed partial class VigilWorker
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Worker {WorkerId} started: queues {Queues}, concurrency {Concurrency}, private queue {PrivateQueue}")]
        public static partial void Started(ILogger logger, string workerId, string queues, int concurrency, string privateQueue);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Worker {WorkerId} is draining {InFlight} in-flight task(s) for up to {GracePeriod}")]
        public static partial void Draining(ILogger logger, string workerId, int inFlight, TimeSpan gracePeriod);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Worker {WorkerId} grace period ended with {InFlight} task(s) still running: cancelling and releasing them")]
        public static partial void Aborting(ILogger logger, string workerId, int inFlight);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Worker {WorkerId} stopped after {Processed} attempt(s), {Failed} failed")]
        public static partial void Stopped(ILogger logger, string workerId, long processed, long failed);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Worker {WorkerId} cannot claim tasks: the storage failed; backing off and trying again")]
        public static partial void ConsumeFailed(ILogger logger, string workerId, Exception exception);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Storage answers the {Loop} loop again after {Failures} failure(s)")]
        public static partial void StorageRecovered(ILogger logger, string loop, int failures);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not renew the leases of {InFlight} task(s); trying again")]
        public static partial void RenewFailed(ILogger logger, string workerId, int inFlight, Exception exception);

        [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not write its heartbeat; trying again")]
        public static partial void HeartbeatFailed(ILogger logger, string workerId, Exception exception);

        [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Lease of task {TaskId} is no longer held: cancelling its handler")]
        public static partial void LeaseNotHeld(ILogger logger, string taskId);

        [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Cancellation of running task {TaskId} requested: cancelling its handler")]
        public static partial void CancelRequested(ILogger logger, string taskId);

        [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Worker {WorkerId} restarts its consume loops ({Reason}) with {InFlight} task(s) in flight")]
        public static partial void RestartingLoops(ILogger logger, string workerId, string reason, int inFlight);

        [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Worker {WorkerId} will drain and exit with code {ExitCode} to be recycled: {Reason}")]
        public static partial void RecycleRequested(ILogger logger, string workerId, string reason, int exitCode);

        [LoggerMessage(EventId = 2013, Level = LogLevel.Debug, Message = "Worker {WorkerId} is already recycling; ignored another request: {Reason}")]
        public static partial void RecycleAlreadyRequested(ILogger logger, string workerId, string reason);

        [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not remove its record at exit; the retention sweep will")]
        public static partial void RemoveWorkerFailed(ILogger logger, string workerId, Exception exception);

        [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "The resource sampler failed; the heartbeat goes without resources")]
        public static partial void SamplerFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2016, Level = LogLevel.Error, Message = "The run of task {TaskId} crashed; its lease will expire and another worker will take it over")]
        public static partial void ExecutionCrashed(ILogger logger, string taskId, Exception exception);

        [LoggerMessage(EventId = 2017, Level = LogLevel.Warning, Message = "Worker {WorkerId}: the old consume loops did not end within {Wait}; new loops start anyway")]
        public static partial void OldLoopsStuck(ILogger logger, string workerId, TimeSpan wait);

        [LoggerMessage(EventId = 2018, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not tell the storage it claims nothing more; what the storage held for it goes back when its short lease ends")]
        public static partial void StopClaimingFailed(ILogger logger, string workerId, Exception exception);
    }
}
