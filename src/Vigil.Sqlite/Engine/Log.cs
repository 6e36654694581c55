using Microsoft.Extensions.Logging;

namespace Vigil.Sqlite.Engine;

/// <summary>The SQLite engine's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "SQLite storage ready at {Path}: schema version {SchemaVersion}, journal mode {JournalMode}, synchronous {Synchronous}, busy timeout {BusyTimeout}, change poll {ChangePollInterval}")]
    public static partial void Initialized(
        ILogger logger, string path, int schemaVersion, string journalMode, string synchronous, TimeSpan busyTimeout, TimeSpan changePollInterval);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Created the Vigil schema (version {SchemaVersion}) in {Path}")]
    public static partial void SchemaCreated(ILogger logger, int schemaVersion, string path);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "SQLite database {Path} is in journal mode {JournalMode}, not WAL (the file system may not support it): readers and writers will block each other")]
    public static partial void NotWal(ILogger logger, string path, string journalMode);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
        Message = "Watching {Path} for changes from other processes failed; trying again at the next poll (workers still wake at their poll interval)")]
    public static partial void ChangePollFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "SQLite connections to {Path} were closed and reopened")]
    public static partial void ConnectionsReset(ILogger logger, string path);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Reopening a SQLite connection to {Path} failed after a reset")]
    public static partial void ConnectionResetFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "SQLite storage call {Operation} on {Path} failed")]
    public static partial void CallFailed(ILogger logger, string operation, string path, Exception exception);
}
