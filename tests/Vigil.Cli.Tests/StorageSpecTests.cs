using Vigil.Cli.Storage;

namespace Vigil.Cli.Tests;

public sealed class StorageSpecTests
{
    [Fact]
    public void TryParse_SqlitePath_GivesFullPath()
    {
        Assert.True(StorageSpec.TryParse("sqlite:/var/lib/vigil/tasks.db", out var spec, out _));
        Assert.Equal(new StorageSpec(StorageKind.Sqlite, "/var/lib/vigil/tasks.db"), spec);
    }

    [Fact]
    public void TryParse_SqliteRelativePath_IsMadeAbsolute()
    {
        Assert.True(StorageSpec.TryParse("sqlite:data/vigil.db", out var spec, out _));
        Assert.Equal(Path.GetFullPath("data/vigil.db"), spec.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sqlite:")]
    public void TryParse_NothingOrBareSqlite_GivesDefaultPath(string? text)
    {
        Assert.True(StorageSpec.TryParse(text, out var spec, out _));
        Assert.Equal(StorageKind.Sqlite, spec.Kind);
        Assert.Equal(StorageSpec.DefaultSqlitePath(), spec.Value);
        Assert.EndsWith(Path.Combine("vigil.db"), spec.Value);
    }

    [Theory]
    [InlineData("redis://localhost:6379", "redis://localhost:6379")]
    [InlineData("rediss://user:pw@cache:6380/2", "rediss://user:pw@cache:6380/2")]
    [InlineData("redis:localhost:6379,password=secret", "localhost:6379,password=secret")]
    public void TryParse_Redis_KeepsConfigurationForTheEngine(string text, string expected)
    {
        Assert.True(StorageSpec.TryParse(text, out var spec, out _));
        Assert.Equal(StorageKind.Redis, spec.Kind);
        Assert.Equal(expected, spec.Value);
    }

    [Theory]
    [InlineData("redis:localhost:6379,password=secret", "redis:localhost:6379,password=***")]
    [InlineData("redis://user:pw@cache:6380", "redis://***@cache:6380")]
    public void Display_Redis_HidesPasswords(string text, string expected)
    {
        Assert.True(StorageSpec.TryParse(text, out var spec, out _));
        Assert.Equal(expected, spec.Display);
        Assert.DoesNotContain("secret", spec.ToString());
    }

    [Theory]
    [InlineData("postgres://db/vigil", "unknown scheme 'postgres'")]
    [InlineData("vigil.db", "unknown scheme 'vigil.db'")]
    [InlineData("redis:", "has no Redis configuration")]
    [InlineData("redis://", "is not a valid Redis URL")]
    public void TryParse_Invalid_NamesValueAndForms(string text, string expected)
    {
        Assert.False(StorageSpec.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains("use sqlite:PATH, redis://HOST:PORT", error);
    }

    [Fact]
    public void TryParse_SqliteFolder_AsksForAFile()
    {
        var folder = Path.GetTempPath();
        Assert.False(StorageSpec.TryParse("sqlite:" + folder, out _, out var error));
        Assert.Contains("names a folder, not a database file", error);
    }
}
