using Microsoft.Data.Sqlite;
using Vigil.Storage;
using Xunit;

namespace Vigil.Sqlite.Tests;

/// <summary>Opening bad paths and files: each gives a clear error naming the file and the fix.</summary>
public sealed class SqliteStorageInitializationTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<IVigilStorage> _storages = [];

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            ((IDisposable)storage).Dispose();
        }

        _directory.Dispose();
    }

    private IVigilStorage CreateSut(string path)
    {
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = path });
        _storages.Add(storage);
        return storage;
    }

    [Fact]
    public async Task InitializeAsync_MissingDirectories_AreCreated()
    {
        var path = _directory.File(Path.Combine("a", "b", "vigil.db"));
        var storage = CreateSut(path);

        await storage.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(path, storage.Location);
        Assert.Equal("sqlite", storage.EngineName);
    }

    [Fact]
    public async Task InitializeAsync_FreshFile_IsInWalModeWithTheVigilMarker()
    {
        var path = _directory.File("fresh.db");
        var storage = CreateSut(path);

        await storage.InitializeAsync(CancellationToken.None);

        using var connection = OpenRaw(path);
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal("vigil", Scalar(connection, "SELECT value FROM vigil_meta WHERE key = 'marker'"));
        Assert.Equal("1", Scalar(connection, "SELECT value FROM vigil_meta WHERE key = 'schema_version'"));
    }

    [Fact]
    public async Task InitializeAsync_EmptyExistingFile_IsInitialized()
    {
        var path = _directory.File("empty.db");
        await File.WriteAllBytesAsync(path, []);
        var storage = CreateSut(path);

        await storage.InitializeAsync(CancellationToken.None);

        Assert.Empty(await storage.GetQueuesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_RelativePath_IsResolvedToAFullPath()
    {
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = "relative-vigil.db" });
        ((IDisposable)storage).Dispose();

        Assert.Equal(Path.GetFullPath("relative-vigil.db"), storage.Location);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_DirectoryCannotBeCreated_ThrowsStorageUnavailableNamingThePathAndReason()
    {
        // Arrange: the "directory" is a regular file, so it cannot be created (even for root).
        var blocker = _directory.File("not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var path = Path.Combine(blocker, "sub", "vigil.db");
        var storage = CreateSut(path);

        // Act
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None));

        // Assert
        Assert.Contains(Path.Combine(blocker, "sub"), ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Contains("SqliteStorageOptions.Path", ex.Message);
        Assert.NotNull(ex.InnerException);
        Assert.Contains(ex.InnerException.Message, ex.Message);
    }

    [Fact]
    public async Task InitializeAsync_FileCannotBeOpenedForWriting_ThrowsStorageUnavailableWithTheOsReason()
    {
        // /proc refuses new files for every user, root included.
        var path = "/proc/vigil-test-" + Guid.NewGuid().ToString("N") + ".db";
        var storage = CreateSut(path);

        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains(path, ex.Message);
        Assert.Contains("write permission", ex.Message);
        Assert.NotNull(ex.InnerException);
        Assert.Contains(ex.InnerException.Message, ex.Message);
    }

    [Fact]
    public async Task InitializeAsync_PathIsADirectory_ThrowsInvalidOperationWithTheFix()
    {
        var path = _directory.File("a-directory");
        Directory.CreateDirectory(path);
        var storage = CreateSut(path);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains($"'{path}' is a directory", ex.Message);
        Assert.Contains(Path.Combine(path, "vigil.db"), ex.Message);
    }

    [Fact]
    public async Task InitializeAsync_FileIsNotSqlite_ThrowsInvalidOperationNamingTheFileAndTheFix()
    {
        var path = _directory.File("notes.txt");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("These are my notes, not a database. ", 200)));
        var storage = CreateSut(path);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains($"The file '{path}' is not a SQLite database", ex.Message);
        Assert.Contains("file is not a database", ex.Message);
        Assert.Contains("point SqliteStorageOptions.Path (UseSqlite) at a new file", ex.Message);
        Assert.StartsWith("These are my notes", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task InitializeAsync_OtherSqliteDatabase_ThrowsInvalidOperationListingItsTablesAndLeavesItAlone()
    {
        // Arrange: an application's own database.
        var path = _directory.File("app.db");
        using (var connection = OpenRaw(path))
        {
            Execute(connection, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY);");
        }

        var storage = CreateSut(path);

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        // Assert
        Assert.Contains($"The SQLite database '{path}' is not a Vigil database", ex.Message);
        Assert.Contains("customers, orders", ex.Message);
        Assert.Contains("no Vigil marker", ex.Message);
        Assert.Contains("database file of its own", ex.Message);
        using var check = OpenRaw(path);
        Assert.Equal("0", Scalar(check, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'vigil%'"));
    }

    [Fact]
    public async Task InitializeAsync_WrongMarker_ThrowsInvalidOperation()
    {
        var path = _directory.File("marker.db");
        using (var connection = OpenRaw(path))
        {
            Execute(connection, "CREATE TABLE vigil_meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO vigil_meta VALUES ('marker', 'someone-else'), ('schema_version', '1');");
        }

        var storage = CreateSut(path);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        Assert.Contains("is not a Vigil database", ex.Message);
    }

    [Fact]
    public async Task InitializeAsync_NewerSchemaVersion_ThrowsInvalidOperationAskingForAnUpgrade()
    {
        // Arrange: a database made by a (pretend) newer Vigil.
        var path = _directory.File("newer.db");
        await CreateSut(path).InitializeAsync(CancellationToken.None);
        using (var connection = OpenRaw(path))
        {
            Execute(connection, "UPDATE vigil_meta SET value = '99' WHERE key = 'schema_version'");
        }

        var storage = CreateSut(path);

        // Act
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.InitializeAsync(CancellationToken.None));

        // Assert
        Assert.Contains($"'{path}' has Vigil schema version 99", ex.Message);
        Assert.Contains("understands up to 1", ex.Message);
        Assert.Contains("Upgrade Vigil", ex.Message);
    }

    [Fact]
    public async Task InitializeAsync_ExistingVigilDatabase_KeepsItsData()
    {
        var path = _directory.File("reopen.db");
        var first = CreateSut(path);
        await first.EnqueueAsync([new NewTask { Id = "0123456789abcdef0123456789abcdef", Type = "t", Queue = "q", Payload = "{}", MaxAttempts = 1 }], CancellationToken.None);

        var second = CreateSut(path);
        await second.InitializeAsync(CancellationToken.None);

        Assert.NotNull(await second.GetTaskAsync("0123456789abcdef0123456789abcdef", CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_ManyInstancesAtOnceOnAFreshFile_AllSucceed()
    {
        var path = _directory.File("race.db");
        var storages = Enumerable.Range(0, 6).Select(_ => CreateSut(path)).ToList();

        await Task.WhenAll(storages.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None)))).WaitAsync(TimeSpan.FromSeconds(30));

        using var connection = OpenRaw(path);
        Assert.Equal("1", Scalar(connection, "SELECT COUNT(*) FROM vigil_meta WHERE key = 'marker'"));
    }

    [Fact]
    public async Task AnyCall_BeforeInitializeAsync_InitializesFirst()
    {
        var path = _directory.File("lazy.db");
        var storage = CreateSut(path);

        var queues = await storage.GetQueuesAsync(CancellationToken.None);

        Assert.Empty(queues);
        Assert.True(File.Exists(path));
    }

    internal static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
