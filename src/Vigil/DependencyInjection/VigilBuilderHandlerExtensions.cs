using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil;
using Vigil.Handlers;
using Vigil.Serialization;
using Vigil.Tasks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers task handlers and options on the <see cref="IVigilBuilder"/> returned by <c>services.AddVigil()</c>.</summary>
/// <remarks>
/// A task type is a stable name (letters, digits, '-', '_', '.', at most 100 characters), validated at registration.
/// One handler per type: a second registration for a type fails the host's start with a message naming both.
/// Payloads and results are JSON, read with web defaults (camelCase, case-insensitive) unless serializer options or
/// source-generated metadata are given.
/// </remarks>
public static class VigilBuilderHandlerExtensions
{
    /// <summary>Registers <typeparamref name="THandler"/> (resolved from each attempt's DI scope) for task type <paramref name="type"/>.</summary>
    /// <typeparam name="THandler">The handler class; registered as scoped unless already registered.</typeparam>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name, such as <c>reports.generate</c>.</param>
    /// <param name="serializerOptions">How to read the payload; <see langword="null"/> for the web defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a valid task type name.</exception>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public static IVigilBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TPayload>(this IVigilBuilder builder, string type, JsonSerializerOptions? serializerOptions = null)
        where THandler : class, ITaskHandler<TPayload> =>
        Add<THandler>(builder, type, HandlerRegistration.ForHandler<THandler, TPayload>(type, null, serializerOptions));

    /// <summary>Registers <typeparamref name="THandler"/> for task type <paramref name="type"/>, reading the payload with source-generated metadata.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="payloadTypeInfo">The payload's JSON metadata.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TPayload>(this IVigilBuilder builder, string type, JsonTypeInfo<TPayload> payloadTypeInfo)
        where THandler : class, ITaskHandler<TPayload>
    {
        ArgumentNullException.ThrowIfNull(payloadTypeInfo);
        return Add<THandler>(builder, type, HandlerRegistration.ForHandler<THandler, TPayload>(type, payloadTypeInfo, null));
    }

    /// <summary>Registers <typeparamref name="THandler"/>, which returns a result stored with the task as JSON.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="serializerOptions">How to read the payload and write the result; <see langword="null"/> for the web defaults.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public static IVigilBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TPayload, TResult>(this IVigilBuilder builder, string type, JsonSerializerOptions? serializerOptions = null)
        where THandler : class, ITaskHandler<TPayload, TResult> =>
        Add<THandler>(builder, type, HandlerRegistration.ForHandler<THandler, TPayload, TResult>(type, null, null, serializerOptions));

    /// <summary>Registers <typeparamref name="THandler"/> with a result, using source-generated metadata.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="payloadTypeInfo">The payload's JSON metadata.</param>
    /// <param name="resultTypeInfo">The result's JSON metadata.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TPayload, TResult>(
        this IVigilBuilder builder, string type, JsonTypeInfo<TPayload> payloadTypeInfo, JsonTypeInfo<TResult> resultTypeInfo)
        where THandler : class, ITaskHandler<TPayload, TResult>
    {
        ArgumentNullException.ThrowIfNull(payloadTypeInfo);
        ArgumentNullException.ThrowIfNull(resultTypeInfo);
        return Add<THandler>(builder, type, HandlerRegistration.ForHandler<THandler, TPayload, TResult>(type, payloadTypeInfo, resultTypeInfo, null));
    }

    /// <summary>Registers a delegate for task type <paramref name="type"/>.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="handler">The handler; services come from <see cref="TaskContext.Services"/> (the attempt's scope).</param>
    /// <param name="serializerOptions">How to read the payload; <see langword="null"/> for the web defaults.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public static IVigilBuilder AddHandler<TPayload>(
        this IVigilBuilder builder, string type, Func<TPayload, TaskContext, ValueTask> handler, JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(builder, type, HandlerRegistration.ForDelegate(type, handler, null, serializerOptions));
    }

    /// <summary>Registers a delegate for task type <paramref name="type"/>, reading the payload with source-generated metadata.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="payloadTypeInfo">The payload's JSON metadata.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddHandler<TPayload>(
        this IVigilBuilder builder, string type, Func<TPayload, TaskContext, ValueTask> handler, JsonTypeInfo<TPayload> payloadTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(payloadTypeInfo);
        return Add(builder, type, HandlerRegistration.ForDelegate(type, handler, payloadTypeInfo, null));
    }

    /// <summary>Registers a delegate that returns a result, stored with the task as JSON.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="serializerOptions">How to read the payload and write the result; <see langword="null"/> for the web defaults.</param>
    /// <returns>The builder.</returns>
    [RequiresUnreferencedCode(ReflectionJson.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionJson.DynamicCode)]
    public static IVigilBuilder AddHandler<TPayload, TResult>(
        this IVigilBuilder builder, string type, Func<TPayload, TaskContext, ValueTask<TResult>> handler, JsonSerializerOptions? serializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(builder, type, HandlerRegistration.ForDelegate(type, handler, null, null, serializerOptions));
    }

    /// <summary>Registers a delegate that returns a result, using source-generated metadata.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="type">The task type name.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="payloadTypeInfo">The payload's JSON metadata.</param>
    /// <param name="resultTypeInfo">The result's JSON metadata.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder AddHandler<TPayload, TResult>(
        this IVigilBuilder builder, string type, Func<TPayload, TaskContext, ValueTask<TResult>> handler,
        JsonTypeInfo<TPayload> payloadTypeInfo, JsonTypeInfo<TResult> resultTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(payloadTypeInfo);
        ArgumentNullException.ThrowIfNull(resultTypeInfo);
        return Add(builder, type, HandlerRegistration.ForDelegate(type, handler, payloadTypeInfo, resultTypeInfo, null));
    }

    /// <summary>Configures the options (the same as passing a delegate to <c>AddVigil</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IVigilBuilder Configure(this IVigilBuilder builder, Action<VigilOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Sets the worker's queues (in priority order) and, optionally, its concurrency.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="queues">The queues this process's worker consumes; replaces the default list.</param>
    /// <param name="concurrency">The concurrent slots; <see langword="null"/> keeps the configured value.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A queue name is invalid.</exception>
    public static IVigilBuilder ConfigureWorker(this IVigilBuilder builder, IEnumerable<string> queues, int? concurrency = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(queues);
        var list = queues.ToList();
        foreach (var queue in list)
        {
            TaskNames.ThrowIfInvalidQueue(queue, nameof(queues));
        }

        return builder.Configure(o =>
        {
            o.Queues.Clear();
            foreach (var queue in list)
            {
                o.Queues.Add(queue);
            }

            if (concurrency is { } c)
            {
                o.Concurrency = c;
            }
        });
    }

    private static IVigilBuilder Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(IVigilBuilder builder, string type, HandlerRegistration registration)
        where THandler : class
    {
        Add(builder, type, registration);
        builder.Services.TryAddScoped<THandler>();
        return builder;
    }

    private static IVigilBuilder Add(IVigilBuilder builder, string type, HandlerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TaskNames.ThrowIfInvalidType(type, nameof(type));
        builder.Services.AddSingleton(registration);
        return builder;
    }
}
