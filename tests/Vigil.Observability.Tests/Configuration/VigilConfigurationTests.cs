using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Health;
using Vigil.Probes;

namespace Vigil.Observability.Tests.Configuration;

/// <summary>
/// <c>services.AddVigil()</c> and <c>AddVigilObservability()</c> bind the host's configuration (<c>appsettings.json</c>,
/// environment variables) by themselves, lists replacing the defaults, and a bad value stops the start naming its key.
/// </summary>
public sealed class VigilConfigurationTests : IDisposable
{
    private const string AppSettings = """
        {
          "Vigil": {
            "Queues": [ "reports", "emails" ],
            "Concurrency": 3,
            "LeaseDuration": "00:00:12",
            "LeaseRenewInterval": "00:00:03",
            "RetryJitter": 0.1,
            "PublishStateEvents": false,
            "Health": { "ForgetWorkerAfter": "00:01:00", "HeartbeatUnhealthyAge": "00:00:20" },
            "Sentinel": { "Interval": "00:00:05", "Queues": [ "reports" ] },
            "Resources": { "MaxTasks": 500 }
          }
        }
        """;

    private readonly TempDirectory _temp = new("vigil-configuration");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AddVigil_AppSettingsJson_BindsTheOptionsAndTheQueueListReplacesTheDefault()
    {
        // Arrange
        using var host = CreateHost(AppSettings);

        // Act
        var vigil = host.Services.GetRequiredService<IOptions<VigilOptions>>().Value;
        var health = host.Services.GetRequiredService<IOptions<VigilHealthOptions>>().Value;
        var sentinel = host.Services.GetRequiredService<IOptions<SentinelOptions>>().Value;
        var resources = host.Services.GetRequiredService<IOptions<Vigil.Resources.ResourceLimitOptions>>().Value;

        // Assert: the list is exactly the configured one, not appended to the default [default].
        Assert.Equal(["reports", "emails"], vigil.Queues);
        Assert.Equal(3, vigil.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(12), vigil.LeaseDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), vigil.LeaseRenewInterval);
        Assert.Equal(0.1, vigil.RetryJitter);
        Assert.False(vigil.PublishStateEvents);
        Assert.Equal(5, vigil.DefaultMaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(1), health.ForgetWorkerAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), health.HeartbeatUnhealthyAge);
        Assert.Equal(TimeSpan.FromSeconds(5), sentinel.Interval);
        Assert.Equal(["reports"], sentinel.Queues);
        Assert.Equal(500, resources.MaxTasks);
    }

    [Fact]
    public void AddVigil_CommaSeparatedValue_ReplacesTheWholeListOfAppSettings()
    {
        // Arrange: what Vigil__Queues=billing,audit in the environment gives on top of appsettings.json.
        using var host = CreateHost(AppSettings, new() { ["Vigil:Queues"] = "billing, audit" });

        // Act
        var vigil = host.Services.GetRequiredService<IOptions<VigilOptions>>().Value;

        // Assert: not merged index by index with the two queues of appsettings.json.
        Assert.Equal(["billing", "audit"], vigil.Queues);
    }

    [Fact]
    public void AddVigil_DelegateAndConfiguration_TheDelegateHasTheLastWord()
    {
        using var host = CreateHost(AppSettings, configure: o => o.Concurrency = 9);

        var vigil = host.Services.GetRequiredService<IOptions<VigilOptions>>().Value;

        Assert.Equal(9, vigil.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(12), vigil.LeaseDuration);
    }

    [Fact]
    public void Reload_ConfigurationChanged_MonitoredThresholdsFollowWithoutARestart()
    {
        // Arrange: an in-memory source, which can reload (a JSON stream cannot; a file would need a file watcher).
        using var host = CreateHost(
            json: null,
            new() { ["Vigil:Health:ForgetWorkerAfter"] = "00:01:00", ["Vigil:Health:HeartbeatUnhealthyAge"] = "00:00:20" });
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<VigilHealthOptions>>();
        Assert.Equal(TimeSpan.FromMinutes(1), monitor.CurrentValue.ForgetWorkerAfter);
        var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();

        // Act: what an edited appsettings.json does (its provider reloads).
        configuration["Vigil:Health:ForgetWorkerAfter"] = "00:03:00";
        configuration.Reload();

        // Assert
        Assert.Equal(TimeSpan.FromMinutes(3), monitor.CurrentValue.ForgetWorkerAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), monitor.CurrentValue.HeartbeatUnhealthyAge);
    }

    [Fact]
    public async Task StartAsync_BadValues_FailsWithOneErrorNamingEachKey()
    {
        // Arrange: a value that does not convert, one out of range, and a typo.
        using var host = CreateHost("""{ "Vigil": { "LeaseDuration": "thirty seconds", "Concurrency": 0, "LeaseDurations": "00:00:10" } }""");

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        // Assert
        Assert.Equal(typeof(VigilOptions), error.OptionsType);
        Assert.Contains("Vigil:LeaseDuration is 'thirty seconds', which is not a duration: use [d.]hh:mm:ss[.fff]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Vigil:Concurrency is 0: use a value from 1 to 1024", error.Message, StringComparison.Ordinal);
        Assert.Contains("Vigil:LeaseDurations is not a setting of VigilOptions", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Failures.Count());
    }

    [Fact]
    public async Task StartAsync_BadHealthThreshold_FailsNamingItsKeyOnce()
    {
        // Arrange: the host's configuration is also handed over explicitly, as vigil server does: bound once, reported once.
        using var host = CreateHost(
            """{ "Vigil": { "Health": { "ForgetWorkerAfter": "soon" } } }""", explicitConfiguration: true);

        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        // Assert
        Assert.Equal(typeof(VigilHealthOptions), error.OptionsType);
        var failure = Assert.Single(error.Failures);
        Assert.Equal("Vigil:Health:ForgetWorkerAfter is 'soon', which is not a duration: use [d.]hh:mm:ss[.fff], such as 00:00:30 for 30 seconds (default 00:02:00).", failure);
    }

    [Fact]
    public async Task VigilWorker_BadEnvironmentVariable_ExitsWithTheKeyNamed()
    {
        var result = await VigilCli.RunAsync(
            ["worker", "--storage", "sqlite:" + _temp.File("cli.db"), "--queues", "work"],
            new Dictionary<string, string?> { ["Vigil__PollInterval"] = "fast" },
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Vigil:PollInterval is 'fast', which is not a duration", result.StandardError, StringComparison.Ordinal);
    }

    private IHost CreateHost(
        string? json, Dictionary<string, string?>? overrides = null, Action<VigilOptions>? configure = null, bool explicitConfiguration = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (json is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        }

        builder.Configuration.AddInMemoryCollection(overrides ?? []);
        builder.Logging.ClearProviders();
        var vigil = builder.Services.AddVigil(configure).UseSqlite(_temp.File("vigil.db"));
        if (explicitConfiguration)
        {
            vigil.AddVigilObservability(builder.Configuration);
        }
        else
        {
            vigil.AddVigilObservability();
        }

        return builder.Build();
    }
}
