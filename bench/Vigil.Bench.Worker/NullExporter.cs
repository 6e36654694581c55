using OpenTelemetry;

namespace Vigil.Bench.Worker;

/// <summary>An exporter that accepts every batch and sends it nowhere: the SDK's collection cost without a backend's.</summary>
/// <typeparam name="T">The telemetry item.</typeparam>
internal sealed class NullExporter<T> : BaseExporter<T>
    where T : class
{
    /// <inheritdoc/>
    public override ExportResult Export(in Batch<T> batch)
    {
        foreach (var _ in batch)
        {
            // Walk the batch like a real exporter would serialize it.
        }

        return ExportResult.Success;
    }
}
