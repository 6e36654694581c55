using System.Globalization;
using System.Text;
using Vigil.Tasks;

namespace Vigil.Processing;

/// <summary>Makes worker ids: <c>{host}-{pid}-{4 random hex digits}</c>, unique per process start and usable in a queue name.</summary>
internal static class WorkerIdentity
{
    /// <summary>The longest host part, so the private queue name stays within <see cref="TaskNames.MaxLength"/>.</summary>
    private const int MaxHostLength = 60;

    public static string Create(string host, int processId)
    {
        var sanitized = new StringBuilder(host.Length);
        foreach (var c in host)
        {
            // The id goes into the private queue's name: keep only what a queue name allows.
            sanitized.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToLowerInvariant(c) : '-');
        }

        var hostPart = sanitized.Length == 0 ? "host" : sanitized.ToString();
        if (hostPart.Length > MaxHostLength)
        {
            hostPart = hostPart[..MaxHostLength];
        }

        // Uniqueness, not secrecy: Random, not RandomNumberGenerator (which loads OpenSSL, ~5 MB of RSS, in every worker).
        var suffix = Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        return $"{hostPart}-{processId}-{suffix}";
    }

    public static string CreateForThisProcess() => Create(Environment.MachineName, Environment.ProcessId);
}
