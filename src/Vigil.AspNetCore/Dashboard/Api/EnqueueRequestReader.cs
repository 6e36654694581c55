using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Vigil.Client;

namespace Vigil.AspNetCore.Dashboard.Api;

/// <summary>
/// Reads the body of <c>POST api/tasks</c>: <c>{ "type", "payload", "queue", "maxAttempts", "timeoutSeconds",
/// "delaySeconds", "scheduledAt", "idempotencyKey" }</c>, field by field, so each mistake gets a message naming the field.
/// Names and limits are then checked by the client, which knows the rules.
/// </summary>
internal static class EnqueueRequestReader
{
    private const string Fields = "type, payload, queue, maxAttempts, timeoutSeconds, delaySeconds, scheduledAt, idempotencyKey";

    public static bool TryRead(
        JsonElement body,
        [NotNullWhen(true)] out string? type,
        [NotNullWhen(true)] out string? payloadJson,
        [NotNullWhen(true)] out EnqueueOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        type = null;
        payloadJson = null;
        options = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = $"The request body is a JSON {body.ValueKind.ToString().ToLowerInvariant()}: send an object with the fields {Fields}.";
            return false;
        }

        var result = new EnqueueOptions();
        payloadJson = "null";
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "type":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        return Fail(out error, "Field 'type' must be a string, such as \"reports.generate\".");
                    }

                    type = value.GetString();
                    break;
                case "payload":
                    payloadJson = value.GetRawText();
                    break;
                case "queue":
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        return Fail(out error, "Field 'queue' must be a string, such as \"default\".");
                    }

                    result.Queue = value.GetString();
                    break;
                case "maxAttempts":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var attempts))
                    {
                        return Fail(out error, $"Field 'maxAttempts' is {value.GetRawText()}: use a whole number from 1 to 1000.");
                    }

                    result.MaxAttempts = attempts;
                    break;
                case "timeoutSeconds":
                    if (!TryGetSeconds(value, field.Name, out var timeout, out error))
                    {
                        return false;
                    }

                    result.Timeout = timeout;
                    break;
                case "delaySeconds":
                    if (!TryGetSeconds(value, field.Name, out var delay, out error))
                    {
                        return false;
                    }

                    result.Delay = delay;
                    break;
                case "scheduledAt":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (value.ValueKind != JsonValueKind.String
                        || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    {
                        return Fail(out error, $"Field 'scheduledAt' is {value.GetRawText()}: use an ISO 8601 time such as \"2030-01-31T12:00:00Z\".");
                    }

                    result.ScheduledAt = at;
                    break;
                case "idempotencyKey":
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        return Fail(out error, "Field 'idempotencyKey' must be a string.");
                    }

                    result.IdempotencyKey = value.GetString();
                    break;
                default:
                    return Fail(out error, $"Field '{DashboardQuery.Shorten(field.Name)}' is unknown: use {Fields}.");
            }
        }

        if (string.IsNullOrEmpty(type))
        {
            return Fail(out error, "Field 'type' is missing: name the task type to run, such as \"reports.generate\".");
        }

        options = result;
        error = null;
        return true;
    }

    private static bool TryGetSeconds(JsonElement value, string name, out TimeSpan? seconds, [NotNullWhen(false)] out string? error)
    {
        seconds = null;
        error = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < 0 || number > TimeSpan.FromDays(365).TotalSeconds)
        {
            error = $"Field '{name}' is {value.GetRawText()}: use a number of seconds from 0 to 31536000 (one year).";
            return false;
        }

        seconds = TimeSpan.FromSeconds(number);
        return true;
    }

    private static bool Fail([NotNullWhen(false)] out string? error, string message)
    {
        error = message;
        return false;
    }
}
