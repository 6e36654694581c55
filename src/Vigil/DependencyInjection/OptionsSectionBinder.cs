using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Vigil.DependencyInjection;

/// <summary>
/// Binds one Vigil options class from its configuration section (<see cref="VigilConfigurationSections.PathOf{TOptions}"/>)
/// of the host's <see cref="IConfiguration"/>, then of any configuration handed over explicitly.
/// </summary>
/// <remarks>
/// <para>Differs from the stock binder where it matters to operators: a list in configuration <b>replaces</b> the default
/// list instead of being appended to it (<c>Vigil:Queues</c> = <c>["reports"]</c> means only <c>reports</c>), and a
/// comma-separated value is a list too (<c>Vigil__Queues=default,reports</c>), which then replaces one from
/// <c>appsettings.json</c> whole rather than index by index.</para>
/// <para>Nothing is thrown here: a value that does not convert, or a key that names no setting (a typo such as
/// <c>Vigil:LeaseDurations</c>), is recorded with its full key, and <see cref="SectionOptionsValidator{TOptions, TValidator}"/>
/// reports it at start-up together with the options' own validation, every problem in one exception.</para>
/// </remarks>
/// <typeparam name="TOptions">The options class.</typeparam>
internal sealed class OptionsSectionBinder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions> : IConfigureOptions<TOptions>
    where TOptions : class, new()
{
    private static readonly Dictionary<string, PropertyInfo> Settings = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetMethod is { IsPublic: true } && (p.SetMethod is { IsPublic: true } || IsList(p)))
        .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    // Keyed by the options instance being built: the validator of that same instance reads them.
    private static readonly ConditionalWeakTable<TOptions, IReadOnlyList<string>> Failures = [];

    private readonly string _path = VigilConfigurationSections.PathOf<TOptions>();
    private readonly List<IConfiguration> _sources;

    public OptionsSectionBinder(IEnumerable<VigilConfigurationSource> explicitSources, IConfiguration? configuration = null)
    {
        _sources = [];
        if (configuration is not null)
        {
            _sources.Add(configuration);
        }

        foreach (var source in explicitSources)
        {
            if (!_sources.Any(s => ReferenceEquals(s, source.Configuration)))
            {
                _sources.Add(source.Configuration);
            }
        }
    }

    /// <summary>The configurations bound, in order (for the change-token source).</summary>
    public IReadOnlyList<IConfiguration> Sources => _sources;

    /// <summary>The binding problems recorded for <paramref name="options"/>, each naming its full key.</summary>
    /// <param name="options">The options instance that was bound.</param>
    /// <returns>The problems; empty when there were none.</returns>
    public static IReadOnlyList<string> FailuresOf(TOptions options) =>
        Failures.TryGetValue(options, out var failures) ? failures : [];

    public void Configure(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var source in _sources)
        {
            foreach (var child in source.GetSection(_path).GetChildren())
            {
                if (Bind(options, child) is { } failure)
                {
                    failures.Add(failure);
                }
            }
        }

        Failures.AddOrUpdate(options, failures);
    }

    // Every Vigil options property is a string, bool, number, TimeSpan, DateTimeOffset or Uri (or a nullable one), or the
    // IList<string> handled above: the binder converts those with their built-in TypeConverter, which needs neither members
    // that trimming removes nor code generated at run time. (The warnings are for complex types and collections.)
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Options properties are primitives, TimeSpan, DateTimeOffset or Uri: converted without reflection over unreferenced members.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Options properties are primitives, TimeSpan, DateTimeOffset or Uri: no generic instantiation at run time.")]
    private static string? Bind(TOptions options, IConfigurationSection child)
    {
        if (!Settings.TryGetValue(child.Key, out var property))
        {
            // A subsection belongs to another part of Vigil (Vigil:Health to the health checks) or to the application; a
            // plain value here can only be meant as one of these settings, so a typo must not pass silently.
            return child.Value is null
                ? null
                : $"{child.Path} is not a setting of {typeof(TOptions).Name}: use one of {string.Join(", ", Settings.Keys.Order(StringComparer.Ordinal))}.";
        }

        if (IsList(property))
        {
            BindList((IList<string>)property.GetValue(options)!, child);
            return null;
        }

        var type = property.PropertyType;
        var nullable = Nullable.GetUnderlyingType(type) is not null || !type.IsValueType;
        if (string.IsNullOrWhiteSpace(child.Value))
        {
            if (child.Value is null && child.GetChildren().Any())
            {
                return $"{child.Path} is a section, but {property.Name} takes one value: {Hint(type)}.";
            }

            if (nullable)
            {
                property.SetValue(options, null);
                return null;
            }

            return $"{child.Path} is empty: {Hint(type)}, or remove the key for the default ({Default(property)}).";
        }

        object? value;
        try
        {
            value = child.Get(type);
        }
        catch (InvalidOperationException)
        {
            return $"{child.Path} is '{Shorten(child.Value)}', which is not {Hint(type)} (default {Default(property)}).";
        }

        property.SetValue(options, value);
        return null;
    }

    private static void BindList(IList<string> list, IConfigurationSection child)
    {
        var items = child.Value is { } text
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [.. child.GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0)];
        list.Clear();
        foreach (var item in items)
        {
            list.Add(item);
        }
    }

    private static bool IsList(PropertyInfo property) => property.PropertyType == typeof(IList<string>);

    private static string Hint(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(TimeSpan) => "a duration: use [d.]hh:mm:ss[.fff], such as 00:00:30 for 30 seconds",
        var t when t == typeof(int) || t == typeof(long) => "a whole number: use digits only, such as 8",
        var t when t == typeof(double) => "a number: use digits with a dot, such as 0.2",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(Uri) => "a URL: use an absolute one such as https://hooks.example.com/vigil",
        var t => $"a {t.Name}",
    };

    private static string Default(PropertyInfo property) =>
        property.GetValue(new TOptions()) switch
        {
            null => "none",
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            var value => value.ToString() ?? "none",
        };

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
