using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.Health;

/// <summary>
/// One part of the health snapshot as a health check: the workers, the queues or the probes. Its status is the worst of
/// its components; its description names every component that is not healthy; its data holds each component's figures.
/// Never throws: a storage that cannot be read is unhealthy.
/// </summary>
internal sealed class SnapshotHealthCheck : IHealthCheck
{
    private readonly VigilHealthReporter _reporter;
    private readonly Func<VigilHealthSnapshot, IReadOnlyList<ComponentHealth>> _select;
    private readonly string _what;

    public SnapshotHealthCheck(VigilHealthReporter reporter, string what, Func<VigilHealthSnapshot, IReadOnlyList<ComponentHealth>> select)
    {
        _reporter = reporter;
        _what = what;
        _select = select;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = await _reporter.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.Error is { } error)
        {
            return HealthCheckResult.Unhealthy($"the {_what} cannot be judged: {error}");
        }

        return ToResult(_select(snapshot), _what);
    }

    internal static HealthCheckResult ToResult(IReadOnlyList<ComponentHealth> components, string what)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var component in components)
        {
            var entry = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (key, value) in component.Data)
            {
                entry[key] = value;
            }

            // The judgement's own fields win over any figure of the same name.
            entry["status"] = component.Status.ToString();
            entry["description"] = component.Description;

            data[component.Name] = entry;
        }

        var status = ComponentHealth.Worst(components);
        var problems = components.Where(c => c.Status != HealthStatus.Healthy)
            .OrderBy(c => c.Status)
            .Select(c => c.Description)
            .ToList();
        var description = problems.Count > 0
            ? string.Join("; ", problems)
            : components.Count == 0 ? $"no {what} to judge" : $"{components.Count} {what} healthy";
        return new HealthCheckResult(status, description, data: data);
    }
}
