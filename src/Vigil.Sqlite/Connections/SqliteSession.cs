using Microsoft.Data.Sqlite;

namespace Vigil.Sqlite.Connections;

/// <summary>
/// One open connection with its prepared commands, used by one call at a time. Keeping commands prepared across calls
/// spares SQLite from compiling the same statements thousands of times per second.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection, int generation)
    {
        Connection = connection;
        Generation = generation;
    }

    /// <summary>The open connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The pool generation it was opened in; a reset makes older sessions be closed instead of reused.</summary>
    public int Generation { get; }

    /// <summary>Returns the cached command for <paramref name="sql"/>, creating it on first use.</summary>
    /// <param name="sql">Constant SQL text of this assembly; values are always bound as parameters.</param>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
#pragma warning disable CA2100 // Every SQL text is a constant of this assembly (or built from constants); values are bound parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        return command;
    }

    /// <summary>Runs a statement that returns nothing.</summary>
    public int Execute(string sql) => Command(sql).ExecuteNonQuery();

    /// <summary>Starts a write transaction that takes the database's write lock at once (no deadlock on lock upgrade).</summary>
    public void BeginImmediate() => Execute("BEGIN IMMEDIATE");

    /// <summary>Starts a read transaction: one consistent snapshot for several statements.</summary>
    public void BeginRead() => Execute("BEGIN");

    /// <summary>Commits the transaction.</summary>
    public void Commit() => Execute("COMMIT");

    /// <summary>Rolls back the open transaction, if any; a failure here leaves the session to be closed by the caller.</summary>
    public void TryRollback()
    {
        try
        {
            var handle = Connection.Handle;
            if (handle is not null && !handle.IsInvalid && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0)
            {
                Execute("ROLLBACK");
            }
        }
        catch (SqliteException)
        {
            // The transaction is gone with the error that caused the rollback (SQLite rolls back on some errors itself).
        }
    }

    /// <summary>Interrupts the statement running on this connection (cancellation).</summary>
    public void Interrupt()
    {
        var handle = Connection.Handle;
        if (handle is not null && !handle.IsInvalid)
        {
            SQLitePCL.raw.sqlite3_interrupt(handle);
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
