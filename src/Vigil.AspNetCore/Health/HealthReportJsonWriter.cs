using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.AspNetCore.Health;

/// <summary>
/// Writes a <see cref="HealthReport"/> as the Vigil health JSON:
/// <c>{"status","totalDurationMs","checkedAt","entries":{name:{"status","description","durationMs","tags","data","error"}}}</c>.
/// The data of <c>vigil.workers</c>, <c>vigil.queues</c> and <c>vigil.probes</c> holds one object per component
/// (<c>worker:{id}</c>, <c>queue:{name}</c>, <c>probe:{target}</c>) with its own <c>status</c>, <c>description</c> and figures.
/// </summary>
public static class HealthReportJsonWriter
{
    /// <summary>The content type written: <c>application/json; charset=utf-8</c>.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Writes the report to the response (the status code is already set by the health-check middleware).</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="report">The report.</param>
    /// <returns>A task that completes when it is written.</returns>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        var timeProvider = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var writer = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Indented = true });
        await using (writer.ConfigureAwait(false))
        {
            Write(writer, report, timeProvider.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the report as JSON text.</summary>
    /// <param name="report">The report.</param>
    /// <param name="checkedAt">The time to write as <c>checkedAt</c> (ISO 8601).</param>
    /// <returns>The JSON.</returns>
    public static string ToJson(HealthReport report, string checkedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, report, checkedAt);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, HealthReport report, string checkedAt)
    {
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteNumber("totalDurationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
        writer.WriteString("checkedAt", checkedAt);
        writer.WriteStartObject("entries");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            writer.WriteString("description", entry.Description);
            writer.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 3));
            writer.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            if (entry.Exception is { } exception)
            {
                writer.WriteString("error", exception.Message);
            }

            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, entry.Data, HealthJsonContext.Default.IReadOnlyDictionaryStringObject);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
