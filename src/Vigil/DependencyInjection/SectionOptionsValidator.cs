using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Vigil.DependencyInjection;

/// <summary>
/// The one validator of a Vigil options class: what <see cref="OptionsSectionBinder{TOptions}"/> could not bind, then the
/// options' own rules (<typeparamref name="TValidator"/>), in one result, so that a start-up reports every problem at once.
/// Each of the options' own messages that starts with a setting's name gets the section in front
/// (<c>Concurrency is 0</c> → <c>Vigil:Concurrency is 0</c>), so every message names the key an operator edits.
/// </summary>
/// <typeparam name="TOptions">The options class.</typeparam>
/// <typeparam name="TValidator">The options' own validator.</typeparam>
internal sealed class SectionOptionsValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, TValidator>(TValidator inner) : IValidateOptions<TOptions>
    where TOptions : class, new()
    where TValidator : class, IValidateOptions<TOptions>
{
    private static readonly HashSet<string> Names = typeof(TOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    private readonly string _path = VigilConfigurationSections.PathOf<TOptions>();

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(OptionsSectionBinder<TOptions>.FailuresOf(options));
        var own = inner.Validate(name, options);
        if (own.Failed)
        {
            failures.AddRange(own.Failures.Select(Qualify));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Qualify(string message)
    {
        var end = message.IndexOfAny([' ', ':', '(']);
        return end > 0 && Names.Contains(message[..end]) ? _path + ":" + message : message;
    }
}
