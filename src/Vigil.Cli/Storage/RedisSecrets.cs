using System.Text.RegularExpressions;

namespace Vigil.Cli.Storage;

/// <summary>Hides secrets in Redis URLs and configuration strings, for messages and logs.</summary>
internal static partial class RedisSecrets
{
    /// <summary>Replaces passwords in a URL or configuration string by <c>***</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without secrets.</returns>
    public static string StripSecrets(string text)
    {
        text = PasswordSetting().Replace(text, "password=***");
        return UriUserInfo().Replace(text, "$1***@");
    }

    [GeneratedRegex("password=[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordSetting();

    [GeneratedRegex("^(rediss?://)[^@/]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriUserInfo();
}
