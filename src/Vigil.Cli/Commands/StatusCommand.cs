using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Vigil.AspNetCore.Health;
using Vigil.Cli.Hosting;
using Vigil.Cli.Output;
using Vigil.Health;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil status [--url http://127.0.0.1:5000 | --storage ...]</c>: the health report as a table, and the exit code
/// 0 / 1 / 2 for healthy / degraded / unhealthy, so it serves as a Docker <c>HEALTHCHECK</c>. With <c>--url</c> it reads a
/// running process's <c>/health</c> (or the exact health path given, such as <c>/health/live</c>); without, it judges the
/// storage directly (storage round trip, workers, queues, probes).
/// </summary>
internal static class StatusCommand
{
    /// <summary>Exit code: everything healthy.</summary>
    public const int Healthy = 0;

    /// <summary>Exit code: something degraded, nothing unhealthy.</summary>
    public const int Degraded = 1;

    /// <summary>Exit code: something unhealthy, or the report could not be had.</summary>
    public const int Unhealthy = 2;

    public static Command Create()
    {
        var url = new Option<Uri?>("--url")
        {
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    return uri;
                }

                result.AddError($"--url: '{text}' is not an http URL: use one such as http://127.0.0.1:5000.");
                return null;
            },
            Description = "Read the health report of a running server or worker, e.g. http://127.0.0.1:5000 " +
                          "(its /health) or http://127.0.0.1:8081/health/live. Default: judge the storage directly.",
            HelpName = "url",
        };
        var timeout = CommonOptions.CreateDuration("--timeout", "How long to wait for the report. Default: 10s.", TimeSpan.FromMilliseconds(100));
        var command = new Command("status", "Show the health of storage, workers, queues and probes; exit 0/1/2 for healthy/degraded/unhealthy.")
        {
            url, timeout, CommonOptions.Json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var wait = parse.GetValue(timeout) ?? TimeSpan.FromSeconds(10);
            string json;
            try
            {
                json = parse.GetValue(url) is { } target
                    ? await ReadUrlAsync(target, wait, cancellationToken).ConfigureAwait(false)
                    : await ReadStorageAsync(parse.GetRequiredValue(CommonOptions.Storage), wait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or CliFailureException or JsonException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                CliOutput.WriteError($"status: no health report: {ex.Message}");
                return Unhealthy;
            }

            using var document = JsonDocument.Parse(json);
            var status = document.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (parse.GetValue(CommonOptions.Json))
            {
                CliOutput.WriteLine(json);
            }
            else
            {
                Render(document.RootElement, status);
            }

            return status switch
            {
                nameof(HealthStatus.Healthy) => Healthy,
                nameof(HealthStatus.Degraded) => Degraded,
                _ => Unhealthy,
            };
        });
        return command;
    }

    private static async Task<string> ReadUrlAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (url.AbsolutePath is "" or "/")
        {
            url = new Uri(url, "/health");
        }

        using var http = new HttpClient { Timeout = timeout };
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode} without a Vigil health report (is it a Vigil health endpoint?)");
        }

        return body;
    }

    private static async Task<string> ReadStorageAsync(Storage.StorageSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        VigilHostSetup.ConfigureCommandLogging(builder.Logging);
        var vigil = builder.Services.AddVigilFromCommandLine(spec, new WorkerSettings { RunWorker = false });
        vigil.AddVigilHealthChecks();
        builder.Services.AddOptions<VigilHealthOptions>().Bind(builder.Configuration.GetSection("Vigil:Health"));
        using var host = builder.Build();
        await VigilHostSetup.InitializeStorageAsync(host.Services, spec, cancellationToken).ConfigureAwait(false);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        _ = host.Services.GetRequiredService<IOptions<VigilHealthOptions>>().Value;

        // This short process runs no worker: its own loop check says nothing about the system, so it is left out.
        var report = await health.CheckHealthAsync(r => r.Name != VigilHealthCheckNames.Process, cancellationToken)
            .WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return HealthReportJsonWriter.ToJson(report, TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Render(JsonElement root, string? status)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("CHECK", "STATUS", "DESCRIPTION");
        if (root.TryGetProperty("entries", out var entries))
        {
            foreach (var entry in entries.EnumerateObject())
            {
                var components = entry.Value.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                    ? data.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("status", out _)).ToList()
                    : [];
                if (components.Count == 0)
                {
                    table.AddRow(CliOutput.Escape(entry.Name), Color(Text(entry.Value, "status")), CliOutput.Escape(Text(entry.Value, "description")));
                    continue;
                }

                foreach (var component in components)
                {
                    table.AddRow(CliOutput.Escape(component.Name), Color(Text(component.Value, "status")), CliOutput.Escape(Text(component.Value, "description")));
                }
            }
        }

        CliOutput.Console.Write(table);
        CliOutput.Console.MarkupLine($"Overall: {Color(status)}");
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static string Color(string? status) => status switch
    {
        nameof(HealthStatus.Healthy) => "[green]Healthy[/]",
        nameof(HealthStatus.Degraded) => "[yellow]Degraded[/]",
        null or "" => "[red]unknown[/]",
        _ => $"[red]{Markup.Escape(status)}[/]",
    };
}
