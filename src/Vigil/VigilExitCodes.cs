namespace Vigil;

/// <summary>
/// The process exit codes of Vigil processes (<c>vigil worker</c>, <c>vigil server</c>, <c>vigil status</c>), so a supervisor
/// (systemd, Docker, Kubernetes) or a script can tell a clean stop from a recycle or a failure.
/// </summary>
/// <remarks>
/// 75 and 76 follow <c>sysexits.h</c>'s spirit (<c>EX_TEMPFAIL</c> = 75: "try again"): the process should simply be started
/// again. A supervisor configured with <c>Restart=always</c> (systemd) or <c>restart: unless-stopped</c> (Docker) does so.
/// </remarks>
public static class VigilExitCodes
{
    /// <summary>0: the process stopped cleanly (or <c>vigil status</c> found everything healthy).</summary>
    public const int Success = 0;

    /// <summary>1: the process failed (bad configuration at start, unreachable storage, an unhandled error).</summary>
    public const int Failure = 1;

    /// <summary>2: the command line was wrong (unknown option, invalid value).</summary>
    public const int Usage = 2;

    /// <summary>
    /// 75: a graceful recycle. The worker drained its in-flight tasks and exited on purpose so that a fresh process takes
    /// its place: its memory ceiling or task count was reached, or a handler ignored its cancellation and was abandoned.
    /// Start it again.
    /// </summary>
    public const int Recycle = 75;

    /// <summary>
    /// 76: the worker was unresponsive. The recovery ladder's last step: rebuilding the storage connection and restarting the
    /// consume loops did not make it consume again, so it exits for its supervisor to start a fresh one. Start it again, and
    /// look at its logs.
    /// </summary>
    public const int Unresponsive = 76;
}
