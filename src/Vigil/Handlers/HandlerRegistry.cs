using System.Diagnostics.CodeAnalysis;

namespace Vigil.Handlers;

/// <summary>The handlers of this process by task type, checked once at start-up: one handler per type.</summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<string, HandlerRegistration> _byType = new(StringComparer.Ordinal);

    /// <summary>Builds the registry.</summary>
    /// <exception cref="InvalidOperationException">A task type has more than one handler.</exception>
    public HandlerRegistry(IEnumerable<HandlerRegistration> registrations)
    {
        var duplicates = new List<string>();
        foreach (var group in registrations.GroupBy(r => r.Type, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Count > 1)
            {
                duplicates.Add($"task type '{group.Key}' has {list.Count} handlers ({string.Join(", ", list.Select(r => r.HandlerName))})");
                continue;
            }

            _byType.Add(group.Key, list[0]);
        }

        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException(
                $"Duplicate Vigil handler registration: {string.Join("; ", duplicates)}. Register exactly one handler per task type with builder.AddHandler(...).");
        }

        RegisteredTypes = [.. _byType.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The registered task types, sorted.</summary>
    public IReadOnlyList<string> RegisteredTypes { get; }

    public bool TryGet(string type, [NotNullWhen(true)] out HandlerRegistration? registration) =>
        _byType.TryGetValue(type, out registration);
}
