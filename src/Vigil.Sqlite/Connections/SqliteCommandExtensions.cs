using Microsoft.Data.Sqlite;

namespace Vigil.Sqlite.Connections;

/// <summary>Binding and reading helpers over cached commands.</summary>
internal static class SqliteCommandExtensions
{
    /// <summary>Sets a parameter of a cached command (adding it on first use); <see langword="null"/> binds SQL NULL.</summary>
    public static SqliteCommand Bind(this SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            command.Parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>Runs a query that returns one integer (or NULL).</summary>
    public static long? ExecuteInt64(this SqliteCommand command)
    {
        var value = command.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetInt64OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
