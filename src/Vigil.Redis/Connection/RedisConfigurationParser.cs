using System.Globalization;
using StackExchange.Redis;

namespace Vigil.Redis.Connection;

/// <summary>
/// Turns the user's Redis address into StackExchange.Redis options: a <c>redis://</c> / <c>rediss://</c> URL or the
/// library's own configuration string.
/// </summary>
internal static class RedisConfigurationParser
{
    /// <summary>Parses <paramref name="configuration"/>.</summary>
    /// <param name="configuration">A URL or a StackExchange.Redis configuration string.</param>
    /// <returns>The options (a new instance each call).</returns>
    /// <exception cref="ArgumentException">The text is neither (the message says what is wrong and the expected form).</exception>
    public static ConfigurationOptions Parse(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var text = configuration.Trim();
        try
        {
            if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
                || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            {
                return ParseUrl(text);
            }

            var options = ConfigurationOptions.Parse(text);
            if (options.EndPoints.Count == 0)
            {
                throw new ArgumentException("no host:port given", nameof(configuration));
            }

            return options;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or RedisConnectionException)
        {
            throw new ArgumentException(
                $"Redis configuration '{Redact(text)}' is invalid ({ex.Message}): use redis://[:password@]host:port[/db][?option=value] " +
                "or a StackExchange.Redis configuration string such as 'host:6379,password=secret'.",
                nameof(configuration),
                ex);
        }
    }

    /// <summary>The endpoints of the options, as <c>host:port</c> joined by commas: a location without secrets.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The location.</returns>
    public static string Describe(ConfigurationOptions options) =>
        string.Join(",", options.EndPoints.Select(Format))
        + (string.IsNullOrEmpty(options.ServiceName) ? string.Empty : $" (Sentinel service '{options.ServiceName}')");

    private static string Format(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        System.Net.IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "?",
    };

    private static ConfigurationOptions ParseUrl(string text)
    {
        // "redis://host:port,option=value" (the form the issue names) keeps native options after the first comma.
        var parts = new List<string>();
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        string? nativeTail = null;
        if (comma >= 0)
        {
            nativeTail = text[(comma + 1)..];
            text = text[..comma];
        }

        var uri = new Uri(text, UriKind.Absolute);
        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("the URL has no host", nameof(text));
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{uri.Host}:{(uri.Port <= 0 ? 6379 : uri.Port)}"));

        // Query options use StackExchange.Redis's own names (ssl, connectTimeout, abortConnect...), so both forms
        // accept the same settings.
        parts.AddRange(uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString));
        if (nativeTail is not null)
        {
            parts.Add(nativeTail);
        }

        var options = ConfigurationOptions.Parse(string.Join(",", parts));
        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
        {
            options.Ssl = true;
        }

        // Credentials are set on the object, not through the parser, so a password may hold ',' or '='.
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var userInfo = uri.UserInfo;
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : string.Empty);
            var password = Uri.UnescapeDataString(colon >= 0 ? userInfo[(colon + 1)..] : userInfo);
            if (user.Length > 0)
            {
                options.User = user;
            }

            if (password.Length > 0)
            {
                options.Password = password;
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw new ArgumentException($"database '{path}' is not a number", nameof(text));
            }

            options.DefaultDatabase = db;
        }

        return options;
    }

    private static string Redact(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (at > 0 && scheme >= 0 && at > scheme)
        {
            text = string.Concat(text.AsSpan(0, scheme + 3), "***", text.AsSpan(at));
        }

        var pw = text.IndexOf("password=", StringComparison.OrdinalIgnoreCase);
        if (pw >= 0)
        {
            var end = text.IndexOf(',', pw);
            text = string.Concat(text.AsSpan(0, pw + 9), "***", end < 0 ? string.Empty : text[end..]);
        }

        return text;
    }
}
