using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.Alerts;

/// <summary>
/// Decides which observed states to announce: a change from the last announced status that has held for the confirmation
/// time, at most once per cool-down per component. Pure (the time is passed in); the sentinel calls it on every check
/// with the current states.
/// </summary>
internal sealed class AlertThrottle
{
    private readonly Dictionary<string, Announced> _announced = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Announced> _candidates = new(StringComparer.Ordinal);

    /// <summary>Returns the announcements due now, and remembers them as announced.</summary>
    /// <param name="observed">Every component's current status and reason. A component not in it is healthy (it left).</param>
    /// <param name="now">The time.</param>
    /// <param name="cooldown">The least time between two announcements about one component.</param>
    /// <param name="confirmAfter">How long a new status must hold before it is announced.</param>
    /// <param name="complete">
    /// Whether <paramref name="observed"/> is every component (a component missing from it left); <see langword="false"/>
    /// when only some could be observed (the storage is down: the others are unknown, not gone).
    /// </param>
    /// <returns>The changes to announce: component, previous and new status, reason.</returns>
    public IReadOnlyList<AlertDecision> Observe(
        IReadOnlyCollection<(string Component, HealthStatus Status, string Description)> observed, DateTimeOffset now, TimeSpan cooldown,
        TimeSpan confirmAfter = default, bool complete = true)
    {
        var decisions = new List<AlertDecision>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (component, status, description) in observed)
        {
            seen.Add(component);
            Consider(component, status, description, now, cooldown, confirmAfter, decisions);
        }

        if (!complete)
        {
            return decisions;
        }

        // A component that vanished (a worker that exited, a queue emptied) while announced unhealthy gets its recovery.
        foreach (var component in _announced.Where(a => !seen.Contains(a.Key)).Select(a => a.Key).ToList())
        {
            // Leaving is final: no confirmation needed.
            Consider(component, HealthStatus.Healthy, $"{component} is no longer reported: it left", now, cooldown, TimeSpan.Zero, decisions);
            if (_announced.TryGetValue(component, out var a) && a.Status == HealthStatus.Healthy)
            {
                _announced.Remove(component);
                _candidates.Remove(component);
            }
        }

        return decisions;
    }

    /// <summary>Forgets every component (the sentinel lost its lock: the next holder announces from its own view).</summary>
    public void Reset()
    {
        _announced.Clear();
        _candidates.Clear();
    }

    private void Consider(
        string component, HealthStatus status, string description, DateTimeOffset now, TimeSpan cooldown, TimeSpan confirmAfter,
        List<AlertDecision> decisions)
    {
        // A component never announced counts as healthy: a new healthy worker is not news, a new unhealthy one is.
        var last = _announced.GetValueOrDefault(component, new Announced(HealthStatus.Healthy, DateTimeOffset.MinValue));
        if (status == last.Status)
        {
            _candidates.Remove(component);
            return;
        }

        // The new status must hold, unbroken, for the confirmation time: a blip is not announced.
        if (!_candidates.TryGetValue(component, out var candidate) || candidate.Status != status)
        {
            candidate = new Announced(status, now);
            _candidates[component] = candidate;
        }

        if (now - candidate.At < confirmAfter)
        {
            return;
        }

        if (last.At != DateTimeOffset.MinValue && now - last.At < cooldown)
        {
            // Held back; the next observation after the cool-down announces whatever the state is then.
            return;
        }

        _announced[component] = new Announced(status, now);
        _candidates.Remove(component);
        decisions.Add(new AlertDecision(component, last.Status, status, description));
    }

    private readonly record struct Announced(HealthStatus Status, DateTimeOffset At);
}

/// <summary>One change to announce.</summary>
/// <param name="Component">The component.</param>
/// <param name="Previous">The status announced before.</param>
/// <param name="Status">The new status.</param>
/// <param name="Description">Why.</param>
internal readonly record struct AlertDecision(string Component, HealthStatus Previous, HealthStatus Status, string Description)
{
    /// <summary>Whether this announces a recovery.</summary>
    public bool IsRecovery => Status == HealthStatus.Healthy;
}
