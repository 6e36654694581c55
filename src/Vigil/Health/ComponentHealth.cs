using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.Health;

/// <summary>The health of one part of the system (a worker, a queue, a probe, the storage) with a reason a person understands.</summary>
/// <param name="Name">The component: <c>storage</c>, <c>queue:default</c>, <c>worker:w-3</c>, <c>probe:queue:default</c>.</param>
/// <param name="Status">Healthy, degraded or unhealthy.</param>
/// <param name="Description">Why, in one sentence.</param>
/// <param name="Data">The figures behind the judgement, for the JSON report.</param>
internal sealed record ComponentHealth(
    string Name, HealthStatus Status, string Description, IReadOnlyDictionary<string, object> Data)
{
    /// <summary>The worst status of <paramref name="components"/>; healthy when there are none.</summary>
    public static HealthStatus Worst(IEnumerable<ComponentHealth> components)
    {
        var worst = HealthStatus.Healthy;
        foreach (var component in components)
        {
            if (component.Status < worst)
            {
                worst = component.Status;
            }
        }

        return worst;
    }
}
