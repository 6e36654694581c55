using Vigil.Storage;
using Vigil.Storage.Conformance;

namespace Vigil.Sqlite.Tests;

/// <summary>Runs the storage conformance suite against the SQLite engine, one fresh database file per test.</summary>
public sealed class SqliteStorageConformanceTests : StorageConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IVigilStorage> CreateStorageAsync(TimeProvider timeProvider)
    {
        var storage = SqliteStorage.Create(new SqliteStorageOptions { Path = _directory.File($"{Guid.NewGuid():N}.db") }, timeProvider);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
