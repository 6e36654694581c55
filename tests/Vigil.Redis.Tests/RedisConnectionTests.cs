using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Storage;
using Vigil.Testing;
using Xunit;

namespace Vigil.Redis.Tests;

/// <summary>Connection failures give a specific message within a few seconds, never a hang.</summary>
public sealed class RedisConnectionTests
{
    /// <summary>The bound the tests state for a connect failure to be reported.</summary>
    private static readonly TimeSpan FailBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task InitializeAsync_NothingListening_SaysItCannotConnect()
    {
        // Arrange: a port nobody listens on.
        var port = FreePort.Next();
        await using var storage = CreateSut($"redis://127.0.0.1:{port}");

        // Act
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None).WaitAsync(FailBound * 2));

        // Assert
        Assert.True(watch.Elapsed < FailBound, $"took {watch.Elapsed}");
        Assert.Contains($"Cannot connect to Redis at 127.0.0.1:{port}", error.Message);
        Assert.True(error.Message.Contains("check that redis-server runs there", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task InitializeAsync_WrongPassword_SaysTheCredentialsWereRefused()
    {
        // Arrange
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = "right-secret" });
        await using var storage = CreateSut($"redis://:wrong-secret@127.0.0.1:{server.Port}");

        // Act
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None).WaitAsync(FailBound * 2));

        // Assert
        Assert.True(watch.Elapsed < FailBound, $"took {watch.Elapsed}");
        Assert.Contains("refused the credentials", error.Message);
        Assert.DoesNotContain("wrong-secret", error.Message);
    }

    [Fact]
    public async Task InitializeAsync_MissingPassword_SaysTheCredentialsWereRefused()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = "right-secret" });
        await using var storage = CreateSut($"127.0.0.1:{server.Port}");

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None).WaitAsync(FailBound * 2));

        Assert.True(watch.Elapsed < FailBound, $"took {watch.Elapsed}");
        Assert.Contains("refused the credentials", error.Message);
    }

    [Fact]
    public async Task InitializeAsync_RightPasswordInNativeString_Connects()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = "p,w=d" });
        await using var storage = CreateSut(server.Url);

        await storage.InitializeAsync(CancellationToken.None).WaitAsync(FailBound);

        Assert.True(await storage.ProbeAsync(CancellationToken.None) > TimeSpan.Zero);
    }

    [Fact]
    public async Task InitializeAsync_ServerIsNotRedis_SaysSo()
    {
        // Arrange: a TCP server that answers anything with an HTTP error, like a web server on the wrong port.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serve = ServeGarbageAsync(listener, stop.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var storage = CreateSut($"redis://127.0.0.1:{port}");

        // Act
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None).WaitAsync(FailBound * 2));

        // Assert
        Assert.True(watch.Elapsed < FailBound, $"took {watch.Elapsed}");
        Assert.True(error.Message.Contains("does not speak the Redis protocol", StringComparison.Ordinal), error.Message + " | " + error.InnerException);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task UseRedisConfiguration_InvalidUrl_IsRejectedWithTheExpectedForms()
    {
        var error = Assert.Throws<ArgumentException>(() => RedisStorage.Create(new RedisStorageOptions { Configuration = "redis://host:notaport" }));

        Assert.Contains("redis://", error.Message);
    }

    private static RedisVigilStorageHandle CreateSut(string configuration) => new(RedisStorage.Create(new RedisStorageOptions
    {
        Configuration = configuration,
        KeyPrefix = TestSupport.UniquePrefix("conn"),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    }));

    private static async Task ServeGarbageAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var reply = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var buffer = new byte[4096];
                    try
                    {
                        if (await client.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
                        {
                            await client.SendAsync(reply, SocketFlags.None, cancellationToken);
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                    {
                    }
                }
            }, cancellationToken);
        }
    }
}

/// <summary>Wraps a storage so <c>await using</c> disposes it.</summary>
internal sealed class RedisVigilStorageHandle(IVigilStorage storage) : IAsyncDisposable
{
    public IVigilStorage Storage { get; } = storage;

    public Task InitializeAsync(CancellationToken cancellationToken) => Storage.InitializeAsync(cancellationToken);

    public ValueTask<TimeSpan> ProbeAsync(CancellationToken cancellationToken) => Storage.ProbeAsync(cancellationToken);

    public ValueTask DisposeAsync() => ((IAsyncDisposable)Storage).DisposeAsync();
}
