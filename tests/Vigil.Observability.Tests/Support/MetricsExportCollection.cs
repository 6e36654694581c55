namespace Vigil.Observability.Tests.Support;

/// <summary>
/// Tests that read what the OpenTelemetry SDK exports run alone. Every test host has its own <c>Vigil</c> meter (through
/// its container's <c>IMeterFactory</c>), but the SDK's MeterProvider listens to meters by name, process-wide, and
/// disposing one meter stops the shared metric streams of every meter with that name
/// (open-telemetry/opentelemetry-dotnet#6412): a neighbouring test host shutting down would blank this test's
/// <c>/metrics</c>. An application has one host per process, so this only concerns tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsExportCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "OpenTelemetry export";
}
