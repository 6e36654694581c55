using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.DependencyInjection;

namespace Vigil.Tests.DependencyInjection;

/// <summary>
/// Guards the promise behind <see cref="OptionsSectionBinder{TOptions}"/>'s trimming suppression: every setting of every
/// options class it binds is a type the configuration binder converts without reflection over unreferenced members or
/// code generated at run time (Native AOT workers rely on it). A new setting of another type fails here, not in a
/// trimmed application.
/// </summary>
public class OptionsSectionBinderTypesTests
{
    private static readonly HashSet<Type> Convertible =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(double), typeof(TimeSpan), typeof(DateTimeOffset), typeof(Uri),
        typeof(IList<string>),
    ];

    [Fact]
    public void EveryBoundSetting_IsOfATypeTheBinderConvertsWithoutReflection()
    {
        // Arrange: everything that registers Vigil options.
        var services = new ServiceCollection();
        services.AddVigil().AddVigilObservability();

        // Act
        var optionsTypes = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
                && d.ImplementationType is { IsGenericType: true } impl && impl.GetGenericTypeDefinition() == typeof(OptionsSectionBinder<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        var others = optionsTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Options: t, Property: p)))
            .Where(x => x.Property.GetMethod is { IsPublic: true } && (x.Property.SetMethod is { IsPublic: true } || x.Property.PropertyType == typeof(IList<string>)))
            .Where(x => !Convertible.Contains(Nullable.GetUnderlyingType(x.Property.PropertyType) ?? x.Property.PropertyType))
            .Select(x => $"{x.Options.Name}.{x.Property.Name} ({x.Property.PropertyType.Name})")
            .ToList();

        // Assert
        Assert.Contains(typeof(VigilOptions), optionsTypes);
        Assert.True(optionsTypes.Count >= 6, $"only {optionsTypes.Count} options classes found: {string.Join(", ", optionsTypes.Select(t => t.Name))}");
        Assert.True(others.Count == 0, "settings of other types: " + string.Join(", ", others));
    }
}
