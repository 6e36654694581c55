using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Vigil.Cli.Hosting;
using Vigil.Cli.Server;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil server</c>: the one-command start. An ASP.NET Core host with the dashboard, health, metrics and real-time hub
/// (as far as they exist), a JSON API, and an embedded worker with the demo handlers; SQLite at the default path unless
/// <c>--storage</c> says otherwise; 127.0.0.1 only unless <c>--urls</c> says otherwise.
/// </summary>
internal static class ServerCommand
{
    /// <summary>The default address: loopback only, so nothing is exposed by accident.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5000";

    public static Command Create()
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where to listen, separated by ';' or ',' (http://HOST:PORT). Default: {DefaultUrls} (this machine only).",
            HelpName = "urls",
            CustomParser = ParseUrls,
        };
        var queues = CommonOptions.CreateQueues("Queues the embedded worker consumes (comma-separated). Default: default.");
        var concurrency = CommonOptions.CreateConcurrency();
        var lease = CommonOptions.CreateDuration("--lease", "Lease length of the embedded worker. Default: 30s.", TimeSpan.FromSeconds(1));
        var grace = CommonOptions.CreateDuration("--shutdown-grace", "At shutdown, how long in-flight tasks may finish. Default: 10s.", TimeSpan.Zero);
        var noWorker = new Option<bool>("--no-worker") { Description = "Serve the web side only: run no embedded worker." };

        var command = new Command("server", "Run the web server (dashboard, health, metrics, API) with an embedded worker.")
        {
            urls, queues, concurrency, lease, grace, noWorker,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = parse.GetRequiredValue(CommonOptions.Storage);
            var listen = parse.GetValue(urls) is { Length: > 0 } given ? given : [DefaultUrls];
            var settings = new WorkerSettings
            {
                RunWorker = !parse.GetValue(noWorker),
                Queues = parse.GetValue(queues),
                Concurrency = parse.GetValue(concurrency),
                LeaseDuration = parse.GetValue(lease),
                ShutdownGracePeriod = parse.GetValue(grace),
            };

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ApplicationName = "vigil" });
            VigilHostSetup.ConfigureProcessLogging(builder.Logging);
            builder.WebHost.UseUrls(listen);
            var vigil = builder.Services.AddVigilFromCommandLine(spec, settings);
            ServerComposition.AddServices(builder, vigil);
            ProcessShutdown.Configure(builder.Services);

            var app = builder.Build();
            await using var appDisposal = app.ConfigureAwait(false);
            ServerComposition.MapEndpoints(app);
            await VigilHostSetup.InitializeStorageAsync(app.Services, spec, cancellationToken).ConfigureAwait(false);
            try
            {
                await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is SocketException or null || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliFailureException($"Cannot listen on {string.Join(", ", listen)}: {ex.Message} Choose another address with --urls.", ex);
            }

            Console.Out.WriteLine($"vigil server: listening on {string.Join(", ", listen)}; storage {spec.Display}; press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            return ProcessShutdown.ExitCode;
        });
        return command;
    }

    private static string[] ParseUrls(ArgumentResult result)
    {
        var urls = new List<string>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Kestrel also accepts wildcard hosts (http://*:5000, http://+:5000); Uri parses neither, so check them by hand.
                var normalized = part.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal);
                if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri)
                    || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                    || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
                {
                    result.AddError($"--urls '{part}' is not a listen address: use http://HOST:PORT, such as {DefaultUrls}.");
                    return [];
                }

                if (uri.Host != "wildcard" && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) && uri.Host != "localhost")
                {
                    result.AddError($"--urls '{part}' names host '{uri.Host}': use an IP address (127.0.0.1, 0.0.0.0, [::1]) or localhost.");
                    return [];
                }

                urls.Add(part);
            }
        }

        return [.. urls];
    }
}
