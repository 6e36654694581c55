namespace Vigil.Cli.Storage;

/// <summary>The storage engines the CLI can open.</summary>
internal enum StorageKind
{
    /// <summary>The embedded SQLite engine (one file, the default).</summary>
    Sqlite = 0,

    /// <summary>The Redis engine.</summary>
    Redis = 1,
}
