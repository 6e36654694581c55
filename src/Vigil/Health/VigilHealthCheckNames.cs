namespace Vigil.Health;

/// <summary>The names and tags of the health checks that <c>AddVigilHealthChecks()</c> registers.</summary>
public static class VigilHealthCheckNames
{
    /// <summary>The tag of the checks behind <c>/health/live</c>: this process's loops are turning.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of the checks behind <c>/health/ready</c>: the storage answers a write-then-read round trip.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag every Vigil check carries (the full report at <c>/health</c>).</summary>
    public const string VigilTag = "vigil";

    /// <summary>This process's worker loop (tagged <see cref="LiveTag"/>).</summary>
    public const string Process = "vigil.process";

    /// <summary>The storage round trip (tagged <see cref="ReadyTag"/>).</summary>
    public const string Storage = "vigil.storage";

    /// <summary>Every worker's heartbeat, loop tick and worker probe.</summary>
    public const string Workers = "vigil.workers";

    /// <summary>Every queue's depth, oldest waiting age, last success, failure ratio and queue probe.</summary>
    public const string Queues = "vigil.queues";

    /// <summary>Every probe's last latency and state.</summary>
    public const string Probes = "vigil.probes";
}
