namespace Vigil.Bench.Peers;

/// <summary>One run of a peer, as its script printed it.</summary>
/// <param name="Name">The peer and its version, such as <c>BullMQ 6.7.0</c>.</param>
/// <param name="Setup">How it was configured.</param>
/// <param name="DrainTasksPerSec">Drain of N no-op jobs by one worker.</param>
/// <param name="EnqueueTasksPerSec">Enqueue throughput.</param>
/// <param name="LatenciesMs">p50, p95, p99, max of the latency step, or <see langword="null"/>.</param>
/// <param name="Missed">Latency jobs not started within the peer's timeout.</param>
internal sealed record PeerOutcome(
    string Name, string Setup, double DrainTasksPerSec, double EnqueueTasksPerSec, double[]? LatenciesMs, int Missed);
