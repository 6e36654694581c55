using System.Globalization;

namespace Vigil.Bench.Infrastructure;

/// <summary>Reads a process's CPU time and resident memory from <c>/proc</c>, and the machine's load average.</summary>
internal static class ProcStat
{
    /// <summary>Clock ticks per second of <c>/proc/PID/stat</c> times: 100 on every Linux user-space ABI .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The CPU time (user + system) the process has used so far, all its threads, living and exited.</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The CPU time.</returns>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    /// <summary>The CPU time of each living thread of a process whose name starts with <paramref name="namePrefix"/>.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="namePrefix">The thread name's start, such as <c>.NET Tiered Com</c> (the runtime's background JIT thread).</param>
    /// <returns>Thread id to CPU time.</returns>
    public static Dictionary<int, TimeSpan> ThreadCpuTimes(int pid, string namePrefix)
    {
        var times = new Dictionary<int, TimeSpan>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "comm")).StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                times[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = TimeSpan.FromSeconds(ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // The thread exited while we read it.
            }
        }

        return times;
    }

    /// <summary>The resident set size (VmRSS) of the process, in bytes.</summary>
    /// <param name="pid">The process.</param>
    /// <returns>The RSS in bytes.</returns>
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    /// <returns>The three averages, or zeros where <c>/proc/loadavg</c> is missing.</returns>
    public static double[] LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [0, 0, 0];
        }
    }
}
