using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vigil.Storage;
using Xunit;

namespace Vigil.Sqlite.Tests;

/// <summary>Options validation, the factory and the <c>UseSqlite</c> registration.</summary>
public sealed class SqliteStorageOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new SqliteStorageOptions();

        Assert.Equal(string.Empty, options.Path);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BusyTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.ChangePollInterval);
        Assert.Equal(8, options.MaxIdleConnections);
        Assert.False(options.SynchronousFull);
    }

    [Fact]
    public void Create_EmptyPath_ThrowsArgumentExceptionWithTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => SqliteStorage.Create(new SqliteStorageOptions()));

        Assert.Contains("SqliteStorageOptions.Path is empty", ex.Message);
        Assert.Contains("vigil.db", ex.Message);
    }

    [Fact]
    public void Create_SeveralBadOptions_ReportsEveryProblemAtOnce()
    {
        var options = new SqliteStorageOptions
        {
            Path = "/tmp/dir/",
            BusyTimeout = TimeSpan.FromSeconds(-1),
            CommandTimeout = TimeSpan.Zero,
            ChangePollInterval = TimeSpan.FromMinutes(1),
            MaxIdleConnections = 0,
        };

        var ex = Assert.Throws<ArgumentException>(() => SqliteStorage.Create(options));

        Assert.Contains("Path '/tmp/dir/' is not a file path", ex.Message);
        Assert.Contains("BusyTimeout", ex.Message);
        Assert.Contains("CommandTimeout", ex.Message);
        Assert.Contains("ChangePollInterval", ex.Message);
        Assert.Contains("MaxIdleConnections 0", ex.Message);
    }

    [Fact]
    public async Task Create_CopiesTheOptions()
    {
        var options = new SqliteStorageOptions { Path = _directory.File("a.db") };
        var storage = SqliteStorage.Create(options);
        options.Path = _directory.File("b.db");

        await storage.InitializeAsync(CancellationToken.None);
        await ((IAsyncDisposable)storage).DisposeAsync();

        Assert.EndsWith("a.db", storage.Location);
        Assert.True(File.Exists(_directory.File("a.db")));
    }

    [Fact]
    public async Task UseSqlite_RegistersOneStorageUsingTheContainersClock()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 3, 4, 5, 6, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        var path = _directory.File("di.db");

        // Act
        var builder = new TestBuilder(services).UseSqlite(path, o => o.BusyTimeout = TimeSpan.FromSeconds(5));
        builder.UseSqlite(_directory.File("ignored.db"));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var storage = provider.GetRequiredService<IVigilStorage>();
        await storage.EnqueueAsync([new NewTask { Id = "00000000000000000000000000000001", Type = "t", Queue = "q", Payload = "{}", MaxAttempts = 1 }], CancellationToken.None);

        // Assert
        Assert.Same(storage, provider.GetRequiredService<IVigilStorage>());
        Assert.Equal(path, storage.Location);
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.BusyTimeout);
        Assert.Equal(time.GetUtcNow(), (await storage.GetTaskAsync("00000000000000000000000000000001", CancellationToken.None))!.CreatedAt);
        Assert.Single(services, d => d.ServiceType == typeof(IVigilStorage));
    }

    [Fact]
    public void UseSqlite_InvalidOption_FailsWhenTheStorageIsBuilt()
    {
        var services = new ServiceCollection();
        new TestBuilder(services).UseSqlite(_directory.File("x.db"), o => o.MaxIdleConnections = -5);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVigilStorage>());

        Assert.Contains("MaxIdleConnections -5", ex.Message);
    }

    [Fact]
    public void UseSqlite_EmptyPath_ThrowsArgumentException()
    {
        var builder = new TestBuilder(new ServiceCollection());

        Assert.Throws<ArgumentException>(() => builder.UseSqlite(" "));
    }

    private sealed class TestBuilder(IServiceCollection services) : IVigilBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
