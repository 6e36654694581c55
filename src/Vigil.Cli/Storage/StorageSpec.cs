using System.Diagnostics.CodeAnalysis;

namespace Vigil.Cli.Storage;

/// <summary>
/// Which storage a command uses, parsed from <c>--storage</c> (or the <c>VIGIL_STORAGE</c> environment variable):
/// <c>sqlite:PATH</c>, <c>sqlite:</c> (the default path), <c>redis://[user:password@]host[:port][/db]</c>,
/// <c>rediss://...</c> (TLS), or <c>redis:</c> followed by a StackExchange.Redis configuration string.
/// </summary>
/// <param name="Kind">The engine.</param>
/// <param name="Value">For SQLite the full file path; for Redis a <c>redis://</c> URL or a StackExchange.Redis configuration string.</param>
internal sealed record StorageSpec(StorageKind Kind, string Value)
{
    /// <summary>The environment variable that gives the storage when <c>--storage</c> is not given.</summary>
    public const string EnvironmentVariable = "VIGIL_STORAGE";

    /// <summary>The environment variable naming Vigil's data folder (the default database is <c>$VIGIL_HOME/vigil.db</c>).</summary>
    public const string HomeEnvironmentVariable = "VIGIL_HOME";

    private const string Forms =
        "use sqlite:PATH, redis://HOST:PORT (rediss:// for TLS) or redis:CONFIGURATION (a StackExchange.Redis configuration string such as redis:localhost:6379,password=secret)";

    /// <summary>Where the data is, for messages, without secrets.</summary>
    public string Display => Kind == StorageKind.Sqlite
        ? $"sqlite:{Value}"
        : Value.Contains("://", StringComparison.Ordinal) ? RedisSecrets.StripSecrets(Value) : $"redis:{RedisSecrets.StripSecrets(Value)}";

    /// <inheritdoc />
    public override string ToString() => Display;

    /// <summary>
    /// The default SQLite database: <c>$VIGIL_HOME/vigil.db</c> when <c>VIGIL_HOME</c> is set, otherwise
    /// <c>${XDG_DATA_HOME:-~/.local/share}/vigil/vigil.db</c>.
    /// </summary>
    /// <returns>The full path.</returns>
    public static string DefaultSqlitePath()
    {
        var home = Environment.GetEnvironmentVariable(HomeEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(home))
        {
            return Path.GetFullPath(Path.Combine(ExpandHome(home), "vigil.db"));
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
        {
            dataHome = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.GetFullPath(Path.Combine(ExpandHome(dataHome), "vigil", "vigil.db"));
    }

    /// <summary>The storage when neither <c>--storage</c> nor <c>VIGIL_STORAGE</c> says: SQLite at <see cref="DefaultSqlitePath"/>.</summary>
    /// <returns>The spec.</returns>
    public static StorageSpec Default() => new(StorageKind.Sqlite, DefaultSqlitePath());

    /// <summary>Parses a storage text.</summary>
    /// <param name="text">The text; <see langword="null"/> or blank means the default.</param>
    /// <param name="spec">The storage, when valid.</param>
    /// <param name="error">A message naming the value and the accepted forms, when invalid.</param>
    /// <returns>Whether the text is valid.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out StorageSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            spec = Default();
            return true;
        }

        text = text.Trim();
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                // Accept sqlite:///abs/path and sqlite://relative as people write them in URLs.
                path = path[2..];
            }

            if (path.Length == 0)
            {
                spec = Default();
                return true;
            }

            if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                error = $"Storage '{text}' has a SQLite path with invalid characters: {Forms}.";
                return false;
            }

            try
            {
                var full = Path.GetFullPath(ExpandHome(path));
                if (full.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(full))
                {
                    error = $"Storage '{text}' names a folder, not a database file: give a file path such as sqlite:{Path.Combine(full, "vigil.db")}.";
                    return false;
                }

                spec = new StorageSpec(StorageKind.Sqlite, full);
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                error = $"Storage '{text}' has an invalid SQLite path ({ex.Message}): {Forms}.";
                return false;
            }
        }

        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            // The Redis engine reads redis:// URLs itself; only their shape is checked here, for an early clear message.
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                error = $"Storage '{RedisSecrets.StripSecrets(text)}' is not a valid Redis URL (expected redis://HOST[:PORT][/DB]): {Forms}.";
                return false;
            }

            spec = new StorageSpec(StorageKind.Redis, text);
            return true;
        }

        if (text.StartsWith("redis:", StringComparison.OrdinalIgnoreCase))
        {
            var configuration = text["redis:".Length..].Trim();
            if (configuration.Length == 0)
            {
                error = $"Storage '{text}' has no Redis configuration: {Forms}.";
                return false;
            }

            spec = new StorageSpec(StorageKind.Redis, configuration);
            return true;
        }

        var scheme = text.Contains(':', StringComparison.Ordinal) ? text[..text.IndexOf(':', StringComparison.Ordinal)] : text;
        error = $"Storage '{RedisSecrets.StripSecrets(text)}' is not understood (unknown scheme '{scheme}'): {Forms}.";
        return false;
    }

    private static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        return path;
    }
}
