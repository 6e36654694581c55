namespace Vigil.Serialization;

/// <summary>
/// The warnings carried by the APIs that serialize with reflection-based System.Text.Json metadata. A trimmed or Native AOT
/// application calls their overloads that take a <see cref="System.Text.Json.Serialization.Metadata.JsonTypeInfo{T}"/>
/// (source-generated) instead, and Vigil's own assemblies use nothing else.
/// </summary>
internal static class ReflectionJson
{
    /// <summary>For <see cref="System.Diagnostics.CodeAnalysis.RequiresUnreferencedCodeAttribute"/>.</summary>
    public const string UnreferencedCode =
        "Serializes with reflection-based System.Text.Json metadata, whose members trimming may remove. In a trimmed or Native AOT " +
        "application, use the overload that takes a JsonTypeInfo from a source-generated JsonSerializerContext.";

    /// <summary>For <see cref="System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute"/>.</summary>
    public const string DynamicCode =
        "Reflection-based System.Text.Json metadata may need code generated at run time, which Native AOT cannot do. Use the " +
        "overload that takes a JsonTypeInfo from a source-generated JsonSerializerContext.";
}
