using System.Runtime.InteropServices;
using Vigil.Bench.Report;

namespace Vigil.Bench.Infrastructure;

/// <summary>Describes the machine and the versions measured, for the report.</summary>
internal static class MachineProbe
{
    /// <summary>Reads the machine's description.</summary>
    /// <param name="redisVersion">The Redis server's version.</param>
    /// <param name="nodeVersion">Node's version, when the peers run.</param>
    /// <param name="worker">How the Vigil worker program was compiled (Native AOT, JIT).</param>
    /// <returns>The description.</returns>
    public static MachineInfo Describe(string redisVersion, string? nodeVersion, string worker)
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadFirst("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memoryGb = long.TryParse(memKb, out var kb) ? Math.Round(kb / 1024.0 / 1024.0, 1) : 0;
        var vigil = typeof(Vigil.Client.IVigilClient).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        return new MachineInfo(
            RuntimeInformation.OSDescription,
            cpu,
            Environment.ProcessorCount,
            memoryGb,
            RuntimeInformation.FrameworkDescription,
            vigil,
            redisVersion,
            nodeVersion,
            Environment.MachineName,
            worker);
    }

    private static string? ReadFirst(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or /proc hidden: the report says "unknown".
        }

        return null;
    }
}
