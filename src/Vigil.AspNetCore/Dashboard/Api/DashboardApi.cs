using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.AspNetCore.Realtime;
using Vigil.Client;
using Vigil.Handlers;
using Vigil.Storage;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>The request handlers of the dashboard's JSON API.</summary>
internal static class DashboardApi
{
    private static readonly string Version =
        typeof(DashboardApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static IResult GetConfig(HttpContext context, VigilDashboardOptions options)
    {
        var vigil = context.RequestServices.GetRequiredService<IOptions<VigilOptions>>().Value;

        // The types this process has handlers for: what the enqueue form suggests (workers elsewhere may know more).
        var types = context.RequestServices.GetService<HandlerRegistry>()?.RegisteredTypes
            .Where(static t => t != TaskNames.ProbeTaskType)
            .Order(StringComparer.Ordinal)
            .ToList() ?? [];
        return DashboardJson.Ok(new DashboardConfigDto(
            options.Title,
            options.ReadOnly,
            options.HealthPath is { } health ? context.Request.PathBase + health : null,
            options.MetricsPath is { } metrics ? context.Request.PathBase + metrics : null,
            (int)options.PollInterval.TotalMilliseconds,
            Version.Split('+')[0],
            types,
            vigil.DefaultQueue,
            vigil.DefaultMaxAttempts,
            vigil.DefaultTimeout.TotalSeconds));
    }

    public static IResult GetAntiforgeryToken(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return DashboardJson.Ok(new AntiforgeryDto(tokens.HeaderName!, tokens.RequestToken!));
    }

    public static async Task<IResult> GetOverview(HttpContext context) =>
        DashboardJson.Ok(await Data(context).GetOverviewAsync(context.RequestAborted).ConfigureAwait(false));

    public static async Task<IResult> GetQueues(HttpContext context) =>
        DashboardJson.Ok(await Data(context).GetQueuesAsync(context.RequestAborted).ConfigureAwait(false));

    public static async Task<IResult> GetWorkers(HttpContext context) =>
        DashboardJson.Ok(await Data(context).GetWorkersAsync(context.RequestAborted).ConfigureAwait(false));

    public static async Task<IResult> GetProbes(HttpContext context) =>
        DashboardJson.Ok(await Data(context).GetProbesAsync(context.RequestAborted).ConfigureAwait(false));

    public static async Task<IResult> GetStatistics(HttpContext context)
    {
        var query = context.Request.Query;
        if (!DashboardQuery.TryGetInt(query, "minutes", 60, 1, 1440, out var minutes, out var error)
            || !DashboardQuery.TryGetName(query, "queue", TaskNames.TryValidateQueue, out var queue, out error)
            || !DashboardQuery.TryGetName(query, "type", TaskNames.TryValidateType, out var type, out error)
            || !DashboardQuery.TryGetBool(query, "internal", out var includeInternal, out error))
        {
            return DashboardJson.BadRequest(error);
        }

        return DashboardJson.Ok(
            await Data(context).GetStatisticsAsync(minutes, queue, type, includeInternal, context.RequestAborted).ConfigureAwait(false));
    }

    public static async Task<IResult> GetQueueStatistics(HttpContext context)
    {
        var query = context.Request.Query;
        if (!DashboardQuery.TryGetInt(query, "minutes", 60, 1, 1440, out var minutes, out var error)
            || !DashboardQuery.TryGetBool(query, "internal", out var includeInternal, out error))
        {
            return DashboardJson.BadRequest(error);
        }

        return DashboardJson.Ok(await Data(context).GetQueueStatisticsAsync(minutes, includeInternal, context.RequestAborted).ConfigureAwait(false));
    }

    public static async Task<IResult> ListTasks(HttpContext context)
    {
        if (!DashboardQuery.TryGetTaskQuery(context.Request.Query, out var query, out var error)
            || !DashboardQuery.TryGetBool(context.Request.Query, "internal", out var includeInternal, out error))
        {
            return DashboardJson.BadRequest(error);
        }

        var page = await Data(context).ListTasksAsync(query, includeInternal, context.RequestAborted).ConfigureAwait(false);
        return DashboardJson.Ok(new TaskPageDto(page.Tasks.Select(DashboardData.ToSummary).ToList(), page.Total, query.Offset, query.Limit));
    }

    public static async Task<IResult> GetTask(HttpContext context, string id)
    {
        if (!TaskIds.TryValidate(id, out var error))
        {
            return DashboardJson.BadRequest(error);
        }

        var task = await Client(context).GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        return task is null ? TaskNotFound(id) : DashboardJson.Ok(DashboardData.ToDetail(task));
    }

    public static async Task<IResult> Enqueue(HttpContext context)
    {
        var maxBytes = (long)context.RequestServices.GetRequiredService<IOptions<VigilOptions>>().Value.MaxPayloadBytes * 2 + 64 * 1024;
        if (context.Request.ContentLength > maxBytes)
        {
            return DashboardJson.Problem(
                StatusCodes.Status413PayloadTooLarge,
                "Request too large",
                $"The request body is {context.Request.ContentLength} bytes, over the {maxBytes} bytes this endpoint reads: store large data elsewhere and pass a reference.");
        }

        if (!(context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return DashboardJson.Problem(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type",
                $"The request body is '{context.Request.ContentType ?? "(none)"}': send application/json.");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(
                new LengthLimitedStream(context.Request.Body, maxBytes), cancellationToken: context.RequestAborted).ConfigureAwait(false);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return DashboardJson.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        catch (LengthLimitedStream.LimitExceededException)
        {
            return DashboardJson.Problem(
                StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body is over the {maxBytes} bytes this endpoint reads.");
        }

        if (!EnqueueRequestReader.TryRead(body, out var type, out var payloadJson, out var options, out var error))
        {
            return DashboardJson.BadRequest(error);
        }

        string id;
        try
        {
            id = await Client(context).EnqueueJsonAsync(type, payloadJson, options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException ex)
        {
            return DashboardJson.Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", ex.Message);
        }
        catch (ArgumentException ex)
        {
            // The client's messages name the field, the value and the fix; the parameter suffix adds nothing for HTTP.
            return DashboardJson.BadRequest(ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal));
        }

        return Results.Json(new EnqueuedDto(id), DashboardJson.Options, statusCode: StatusCodes.Status201Created);
    }

    public static async Task<IResult> Retry(HttpContext context, string id)
    {
        if (!TaskIds.TryValidate(id, out var error))
        {
            return DashboardJson.BadRequest(error);
        }

        var client = Client(context);
        if (await client.RetryAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            return await ActionDone(context, id, "retry").ConfigureAwait(false);
        }

        var task = await client.GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        return task is null
            ? TaskNotFound(id)
            : DashboardJson.Conflict($"Task '{id}' is {task.State.ToWireName()}: only dead or cancelled tasks can be retried.");
    }

    public static async Task<IResult> Cancel(HttpContext context, string id)
    {
        if (!TaskIds.TryValidate(id, out var error))
        {
            return DashboardJson.BadRequest(error);
        }

        var client = Client(context);
        if (await client.CancelAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            return await ActionDone(context, id, "cancel").ConfigureAwait(false);
        }

        var task = await client.GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        return task is null
            ? TaskNotFound(id)
            : DashboardJson.Conflict($"Task '{id}' is already {task.State.ToWireName()}: only scheduled, queued, retrying or running tasks can be cancelled.");
    }

    public static async Task<IResult> Delete(HttpContext context, string id)
    {
        if (!TaskIds.TryValidate(id, out var error))
        {
            return DashboardJson.BadRequest(error);
        }

        var client = Client(context);
        if (await client.DeleteAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            return DashboardJson.Ok(new TaskActionDto(id, "delete", null));
        }

        var task = await client.GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        return task is null
            ? TaskNotFound(id)
            : DashboardJson.Conflict($"Task '{id}' is {task.State.ToWireName()}: a running task cannot be deleted; cancel it first.");
    }

    /// <summary>An API filter: a storage outage is a 503 that says so, not a 500.</summary>
    public static async ValueTask<object?> MapStorageUnavailable(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            return DashboardJson.Problem(StatusCodes.Status503ServiceUnavailable, "Task storage unavailable", ex.Message);
        }
    }

    private static async Task<IResult> ActionDone(HttpContext context, string id, string action)
    {
        var task = await Client(context).GetTaskAsync(id, context.RequestAborted).ConfigureAwait(false);
        return DashboardJson.Ok(new TaskActionDto(id, action, task?.State.ToWireName()));
    }

    private static IResult TaskNotFound(string id) =>
        DashboardJson.NotFound($"Task '{id}' does not exist (never enqueued, deleted, or past retention).");

    private static DashboardData Data(HttpContext context) => context.RequestServices.GetRequiredService<DashboardData>();

    private static IVigilClient Client(HttpContext context) => context.RequestServices.GetRequiredService<IVigilClient>();
}
