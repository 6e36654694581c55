using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.AspNetCore.Dashboard;
using Vigil.AspNetCore.Realtime;
using Vigil.Client;
using Vigil.Tasks;

namespace Vigil.AspNetCore.Tests.Support;

/// <summary>
/// A real web application on Kestrel (127.0.0.1, a free port) with Vigil on a SQLite file in a temp folder, an embedded
/// worker, the test handlers, the dashboard at /vigil and the hub at /vigil/hub.
/// </summary>
public class VigilWebHost : IAsyncLifetime
{
    public const string EchoType = "test.echo";
    public const string ProgressType = "test.progress";
    public const string FailType = "test.fail";
    public const string BlockType = "test.block";
    public const string FlakyType = "test.flaky";

    /// <summary>A queue the worker consumes that only the chart tests use, so its statistics are exactly theirs.</summary>
    public const string ChartsQueue = "charts";

    private readonly TempDirectory _directory = new("aspnetcore-tests");
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public IVigilClient Client => Services.GetRequiredService<IVigilClient>();

    public TestGates Gates => Services.GetRequiredService<TestGates>();

    /// <summary>Dashboard options the subclass may set.</summary>
    protected virtual void ConfigureDashboard(VigilDashboardOptions options)
    {
        // No health endpoint in these hosts: the page must show that calmly.
        options.HealthPath = "/health";
    }

    public virtual async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _directory.Path, EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(static (_, level) => level >= LogLevel.Warning);
        builder.Services.AddSingleton<TestGates>();
        builder.Services
            .AddVigil(o =>
            {
                o.Queues.Clear();
                o.Queues.Add("default");
                o.Queues.Add("emails");
                o.Queues.Add(ChartsQueue);
                o.Concurrency = 4;
                o.PollInterval = TimeSpan.FromMilliseconds(100);
                o.HeartbeatInterval = TimeSpan.FromSeconds(1);
                o.LeaseDuration = TimeSpan.FromSeconds(6);
                o.LeaseRenewInterval = TimeSpan.FromMilliseconds(500);
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
                o.ShutdownGracePeriod = TimeSpan.FromSeconds(2);
            })
            .UseSqlite(_directory.File("vigil.db"))
            .AddHandler<TestPayload, TestResult>(EchoType, static (payload, context) =>
                ValueTask.FromResult(new TestResult(payload.Text, context.Attempt)))
            .AddHandler<TestPayload, TestResult>(ProgressType, static async (payload, context) =>
            {
                var gates = context.Services.GetRequiredService<TestGates>();
                if (payload.Gate is not null)
                {
                    await gates.WaitAsync(payload.Gate, context.CancellationToken);
                }

                await context.ReportProgressAsync(50, "half way");
                if (payload.Group is not null)
                {
                    await context.SendToGroupAsync(payload.Group, "chat", new { text = payload.Text });
                }

                if (payload.Gate is not null)
                {
                    await gates.WaitAsync(payload.Gate + ":finish", context.CancellationToken);
                }

                return new TestResult(payload.Text, context.Attempt);
            })
            .AddHandler<TestPayload>(FailType, static (payload, _) =>
                throw new InvalidOperationException("boom: " + payload.Text))
            .AddHandler<TestPayload, TestResult>(FlakyType, static (payload, context) =>
                context.Services.GetRequiredService<TestGates>().IsReleased(payload.Gate ?? "never")
                    ? ValueTask.FromResult(new TestResult(payload.Text, context.Attempt))
                    : throw new InvalidOperationException("flaky: the gate is closed"))
            .AddHandler<TestPayload>(BlockType, static async (payload, context) =>
                await context.Services.GetRequiredService<TestGates>().WaitAsync(payload.Gate ?? "never", context.CancellationToken))
            .AddVigilRealtime(static o =>
            {
                o.EventPollInterval = TimeSpan.FromMilliseconds(50);
                o.StatePollInterval = TimeSpan.FromMilliseconds(100);
                o.DashboardPushInterval = TimeSpan.FromMilliseconds(500);
            })
            .AddVigilDashboard();
        ConfigureServices(builder.Services);

        _app = builder.Build();
        ConfigureApp(_app);
        _app.MapVigilDashboard("/vigil", ConfigureDashboard);
        _app.MapVigilHub();
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected virtual void ConfigureApp(WebApplication app)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <summary>An HTTP client for the dashboard with its own cookie jar (for the antiforgery cookie).</summary>
    public HttpClient CreateHttpClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Posts to the dashboard API the way the page does: antiforgery token in the header, cookie in the jar.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object? body = null)
    {
        var token = await http.GetFromJsonAsync<JsonElement>("/vigil/api/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body ?? new { }),
        };
        request.Headers.Add(token.GetProperty("headerName").GetString()!, token.GetProperty("token").GetString());
        return await http.SendAsync(request);
    }

    public Task<string> EnqueueAsync(string type, TestPayload payload, EnqueueOptions? options = null) =>
        Client.EnqueueAsync(type, payload, options).AsTask();

    /// <summary>Polls the task until <paramref name="until"/> holds, for at most <paramref name="timeout"/>.</summary>
    public async Task<TaskRecord> WaitForTaskAsync(string id, Func<TaskRecord, bool> until, TimeSpan? timeout = null) =>
        (await Poll.UntilAsync(
            async () => await Client.GetTaskAsync(id),
            task => task is not null && until(task),
            timeout ?? TimeSpan.FromSeconds(20),
            $"task {id} to reach the expected condition",
            TimeSpan.FromMilliseconds(50)))!;

    public Task<TaskRecord> WaitForStateAsync(string id, TaskState state, TimeSpan? timeout = null) =>
        WaitForTaskAsync(id, t => t.State == state, timeout);
}
