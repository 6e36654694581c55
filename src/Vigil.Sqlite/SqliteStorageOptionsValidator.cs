using Microsoft.Extensions.Options;

namespace Vigil.Sqlite;

/// <summary>Checks <see cref="SqliteStorageOptions"/>, reporting every problem at once.</summary>
internal sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        var failures = GetFailures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Validates and returns a private copy of the options.</summary>
    /// <exception cref="ArgumentException">Some option is invalid; the message lists every problem.</exception>
    public static SqliteStorageOptions ValidateAndCopy(SqliteStorageOptions options)
    {
        var failures = GetFailures(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        return new SqliteStorageOptions
        {
            Path = System.IO.Path.GetFullPath(options.Path),
            BusyTimeout = options.BusyTimeout,
            CommandTimeout = options.CommandTimeout,
            ChangePollInterval = options.ChangePollInterval,
            MaxIdleConnections = options.MaxIdleConnections,
            SynchronousFull = options.SynchronousFull,
        };
    }

    private static List<string> GetFailures(SqliteStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add("SqliteStorageOptions.Path is empty: give the database file, such as 'vigil.db' or '/var/lib/vigil/vigil.db'.");
        }
        else if (options.Path.Contains('\0', StringComparison.Ordinal) || options.Path.EndsWith('/') || options.Path.EndsWith('\\'))
        {
            failures.Add($"SqliteStorageOptions.Path '{options.Path.Replace("\0", "\\0", StringComparison.Ordinal)}' is not a file path: give a file name, such as '{options.Path.TrimEnd('/', '\\')}/vigil.db'.");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"SqliteStorageOptions.BusyTimeout {options.BusyTimeout} is out of range: use 0 to 1 hour (default 30 s).");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"SqliteStorageOptions.CommandTimeout {options.CommandTimeout} is out of range: use more than 0 and at most 1 hour (default 60 s).");
        }

        if (options.ChangePollInterval < TimeSpan.FromMilliseconds(5) || options.ChangePollInterval > TimeSpan.FromSeconds(5))
        {
            failures.Add($"SqliteStorageOptions.ChangePollInterval {options.ChangePollInterval} is out of range: use 5 ms to 5 s (default 50 ms).");
        }

        if (options.MaxIdleConnections is < 1 or > 100)
        {
            failures.Add($"SqliteStorageOptions.MaxIdleConnections {options.MaxIdleConnections} is out of range: use 1 to 100 (default 8).");
        }

        return failures;
    }
}
