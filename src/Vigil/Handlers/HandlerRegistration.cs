using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Serialization;

namespace Vigil.Handlers;

/// <summary>
/// One task type's handler as the worker runs it: how to read its payload and how to invoke it in an attempt's scope.
/// Registered in DI once per <c>AddHandler</c> call; the <see cref="HandlerRegistry"/> refuses two for one type.
/// </summary>
internal sealed class HandlerRegistration
{
    private HandlerRegistration(
        string type, Type payloadType, string handlerName, Func<string, object?> deserialize,
        Func<IServiceProvider, object?, TaskContext, ValueTask<string?>> invoke)
    {
        Type = type;
        PayloadType = payloadType;
        HandlerName = handlerName;
        Deserialize = deserialize;
        Invoke = invoke;
    }

    /// <summary>The task type name.</summary>
    public string Type { get; }

    /// <summary>The payload type the handler takes.</summary>
    public Type PayloadType { get; }

    /// <summary>The handler's name for messages: its class, or "a delegate".</summary>
    public string HandlerName { get; }

    /// <summary>Reads the payload JSON; throws <see cref="JsonException"/> (with a path) or <see cref="NotSupportedException"/> when it does not fit.</summary>
    public Func<string, object?> Deserialize { get; }

    /// <summary>Runs the handler on a deserialized payload in a scope and returns its result as JSON, if it has one.</summary>
    public Func<IServiceProvider, object?, TaskContext, ValueTask<string?>> Invoke { get; }

    public static HandlerRegistration ForHandler<THandler, TPayload>(string type, JsonTypeInfo<TPayload>? payloadTypeInfo, JsonSerializerOptions? serializerOptions)
        where THandler : class, ITaskHandler<TPayload> =>
        new(type, typeof(TPayload), typeof(THandler).FullName ?? typeof(THandler).Name, CreateReader(payloadTypeInfo, serializerOptions), async (services, payload, context) =>
        {
            var handler = services.GetRequiredService<THandler>();
            await handler.HandleAsync((TPayload)payload!, context).ConfigureAwait(false);
            return null;
        });

    public static HandlerRegistration ForHandler<THandler, TPayload, TResult>(
        string type, JsonTypeInfo<TPayload>? payloadTypeInfo, JsonTypeInfo<TResult>? resultTypeInfo, JsonSerializerOptions? serializerOptions)
        where THandler : class, ITaskHandler<TPayload, TResult>
    {
        var write = CreateWriter(resultTypeInfo, serializerOptions);
        return new(type, typeof(TPayload), typeof(THandler).FullName ?? typeof(THandler).Name, CreateReader(payloadTypeInfo, serializerOptions), async (services, payload, context) =>
        {
            var handler = services.GetRequiredService<THandler>();
            var result = await handler.HandleAsync((TPayload)payload!, context).ConfigureAwait(false);
            return write(result);
        });
    }

    public static HandlerRegistration ForDelegate<TPayload>(
        string type, Func<TPayload, TaskContext, ValueTask> handler, JsonTypeInfo<TPayload>? payloadTypeInfo, JsonSerializerOptions? serializerOptions) =>
        new(type, typeof(TPayload), "a delegate", CreateReader(payloadTypeInfo, serializerOptions), async (_, payload, context) =>
        {
            await handler((TPayload)payload!, context).ConfigureAwait(false);
            return null;
        });

    public static HandlerRegistration ForDelegate<TPayload, TResult>(
        string type, Func<TPayload, TaskContext, ValueTask<TResult>> handler, JsonTypeInfo<TPayload>? payloadTypeInfo,
        JsonTypeInfo<TResult>? resultTypeInfo, JsonSerializerOptions? serializerOptions)
    {
        var write = CreateWriter(resultTypeInfo, serializerOptions);
        return new(type, typeof(TPayload), "a delegate", CreateReader(payloadTypeInfo, serializerOptions), async (_, payload, context) =>
        {
            var result = await handler((TPayload)payload!, context).ConfigureAwait(false);
            return write(result);
        });
    }

    private static Func<string, object?> CreateReader<TPayload>(JsonTypeInfo<TPayload>? typeInfo, JsonSerializerOptions? options)
    {
        var effective = options ?? VigilJson.Options;
        return json =>
        {
            var payload = typeInfo is null ? DeserializeWithReflection<TPayload>(json, effective) : JsonSerializer.Deserialize(json, typeInfo);

            // A JSON null would reach a handler that expects an object as a NullReferenceException, retried until dead:
            // refuse it here, where the message can say why.
            return payload ?? throw new JsonException($"The payload is JSON null, but the handler expects a {typeof(TPayload).Name}.", "$", null, null);
        };
    }

    private static Func<TResult, string?> CreateWriter<TResult>(JsonTypeInfo<TResult>? typeInfo, JsonSerializerOptions? options)
    {
        var effective = options ?? VigilJson.Options;
        return result => typeInfo is null ? SerializeWithReflection(result, effective) : JsonSerializer.Serialize(result, typeInfo);
    }

    // Without a JsonTypeInfo only: the AddHandler overloads that register so carry RequiresUnreferencedCode and
    // RequiresDynamicCode themselves, so an application that trims or compiles ahead of time was warned where it called them.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only through AddHandler overloads marked RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only through AddHandler overloads marked RequiresDynamicCode.")]
    private static TPayload? DeserializeWithReflection<TPayload>(string json, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<TPayload>(json, options);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only through AddHandler overloads marked RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only through AddHandler overloads marked RequiresDynamicCode.")]
    private static string SerializeWithReflection<TResult>(TResult result, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(result, options);
}
