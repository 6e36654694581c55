using Vigil.Cli.Tests.Support;

namespace Vigil.Cli.Tests;

/// <summary>
/// Bad arguments and bad input on the command line: each gets one specific message on stderr, no stack trace, and exit
/// code 2 (usage). Real CLI processes, real SQLite files in a temp folder.
/// </summary>
public sealed class CliArgumentsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Storage => "sqlite:" + _temp.File("vigil.db");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(new[] { "queues", "--storage", "foo:bar" }, "Storage 'foo:bar' is not understood (unknown scheme 'foo')")]
    [InlineData(new[] { "queues", "--storage", "redis:" }, "has no Redis configuration")]
    [InlineData(new[] { "queues", "--storage", "redis://:pw@" }, "is not a valid Redis URL")]
    [InlineData(new[] { "worker", "--concurrency", "-1" }, "--concurrency '-1' is out of range: use a whole number from 1 to 1000.")]
    [InlineData(new[] { "worker", "--concurrency", "0" }, "--concurrency '0' is out of range")]
    [InlineData(new[] { "worker", "--queues", "ok,bad queue!" }, "Queue name 'bad queue!' is invalid")]
    [InlineData(new[] { "worker", "--lease", "soon" }, "--lease 'soon' is not a duration")]
    [InlineData(new[] { "enqueue", "demo.sleep", "{}", "--delay", "5x" }, "--delay '5x' is not a duration: use a number with a unit")]
    [InlineData(new[] { "enqueue", "demo.sleep", "{}", "--delay", "1s", "--at", "2030-01-01T00:00:00Z" }, "--delay and --at cannot be used together")]
    [InlineData(new[] { "enqueue", "demo.sleep", "{}", "--at", "tomorrow" }, "--at 'tomorrow' is not a time")]
    [InlineData(new[] { "enqueue", "demo.sleep", "{}", "--max-attempts", "0" }, "--max-attempts '0' is out of range")]
    [InlineData(new[] { "tasks", "list", "--state", "done" }, "--state 'done' is not a task state")]
    [InlineData(new[] { "tasks", "list", "--limit", "5000" }, "--limit '5000' is out of range")]
    [InlineData(new[] { "server", "--urls", "ftp://127.0.0.1:1" }, "--urls 'ftp://127.0.0.1:1' is not a listen address")]
    [InlineData(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'")]
    public async Task Parse_BadArgument_PrintsMessageAndExits2(string[] args, string expected)
    {
        // Act
        var result = await VigilCli.RunAsync(args);

        // Assert
        AssertUsageError(result, expected);
    }

    [Fact]
    public async Task Enqueue_MalformedJson_NamesPositionAndExits2()
    {
        var result = await VigilCli.RunAsync(["enqueue", "demo.sleep", "{\"ms\": 5", "--storage", Storage]);

        AssertUsageError(result, "Payload '{\"ms\": 5' is not valid JSON at line 1");
    }

    [Theory]
    [InlineData("bad type!", "Task type 'bad type!' is invalid: use letters, digits")]
    [InlineData("", "Task type is empty")]
    public async Task Enqueue_BadTypeName_Exits2(string type, string expected)
    {
        var result = await VigilCli.RunAsync(["enqueue", type, "{}", "--storage", Storage]);

        AssertUsageError(result, expected);
    }

    [Fact]
    public async Task Enqueue_BadQueueName_Exits2()
    {
        var result = await VigilCli.RunAsync(["enqueue", "demo.noop", "{}", "--queue", "no/slash", "--storage", Storage]);

        AssertUsageError(result, "Queue name 'no/slash' is invalid");
    }

    [Fact]
    public async Task AnyCommand_InvalidStorageEnvironmentVariable_Exits2()
    {
        var result = await VigilCli.RunAsync(["queues"], new Dictionary<string, string?> { ["VIGIL_STORAGE"] = "mysql://db" });

        AssertUsageError(result, "VIGIL_STORAGE: Storage 'mysql://db' is not understood (unknown scheme 'mysql')");
    }

    [Fact]
    public async Task AnyCommand_DatabaseFolderCannotBeCreated_Exits2()
    {
        // Arrange: a regular file where a folder should be, which no user (root included) can create a folder under.
        var blocker = _temp.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");

        // Act
        var result = await VigilCli.RunAsync(["queues", "--storage", $"sqlite:{blocker}/sub/vigil.db"]);

        // Assert
        AssertUsageError(result, $"Cannot create the database folder '{blocker}/sub'");
    }

    [Fact]
    public async Task AnyCommand_FileIsNotAVigilDatabase_Exits2()
    {
        // Arrange
        var path = _temp.File("notes.db");
        await File.WriteAllTextAsync(path, "these are my notes, not a database\n");

        // Act
        var result = await VigilCli.RunAsync(["tasks", "list", "--storage", "sqlite:" + path]);

        // Assert
        AssertUsageError(result, path);
        Assert.Equal("these are my notes, not a database\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task AnyCommand_SqliteDatabaseOfAnotherApplication_Exits2AndLeavesItAlone()
    {
        // Arrange: a real SQLite database with someone else's table.
        var path = _temp.File("other-app.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');";
            await command.ExecuteNonQueryAsync();
        }

        // Act
        var result = await VigilCli.RunAsync(["enqueue", "demo.noop", "{}", "--storage", "sqlite:" + path]);

        // Assert
        AssertUsageError(result, "is not a Vigil database");
        Assert.Contains("--storage sqlite:PATH", result.StandardError);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(name) FROM sqlite_master";
            Assert.Equal("notes", await command.ExecuteScalarAsync());
        }
    }

    [Theory]
    [InlineData("show")]
    [InlineData("retry")]
    [InlineData("cancel")]
    [InlineData("delete")]
    public async Task Tasks_UnknownId_Exits2(string verb)
    {
        var result = await VigilCli.RunAsync(["tasks", verb, "0123456789abcdef0123456789abcdef", "--storage", Storage]);

        AssertUsageError(result, "Task '0123456789abcdef0123456789abcdef' was not found in sqlite:");
    }

    [Fact]
    public async Task Enqueue_PayloadOverConfiguredLimit_NamesLimitAndExits2()
    {
        var payload = "{\"data\":\"" + new string('x', 300) + "\"}";
        var result = await VigilCli.RunAsync(
            ["enqueue", "demo.echo", payload, "--storage", Storage],
            new Dictionary<string, string?> { ["Vigil__MaxPayloadBytes"] = "100" });

        AssertUsageError(result, "over the limit of 100 bytes");
        var list = await VigilCli.RunAsync(["tasks", "list", "--json", "--storage", Storage]);
        Assert.Contains("\"total\": 0", list.StandardOutput);
    }

    [Fact]
    public async Task AnyCommand_NoStorageGiven_UsesVigilHome()
    {
        // Arrange
        var home = _temp.File("home");

        // Act
        var result = await VigilCli.RunAsync(["queues"], new Dictionary<string, string?> { ["VIGIL_HOME"] = home });

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"No queues yet in sqlite:{home}/vigil.db.", result.StandardOutput);
        Assert.True(File.Exists(Path.Combine(home, "vigil.db")));
    }

    [Fact]
    public async Task Server_PortInUse_Exits1WithMessage()
    {
        // Arrange: the port is taken.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";

        // Act
        var result = await VigilCli.RunAsync(["server", "--urls", url, "--storage", Storage], timeout: TimeSpan.FromSeconds(90));

        // Assert
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Cannot listen on {url}", result.StandardError);
        Assert.Contains("address already in use", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    private static void AssertUsageError(CliResult result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"Expected exit code 2.\n{result}");
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
    }
}
