namespace Vigil.Cli.Tests.Support;

/// <summary>Reads the demo handlers' journals (<c>VIGIL_DEMO_JOURNAL</c>): one line <c>TASKID ATTEMPT WORKERID PID</c> per completed run.</summary>
public static class Journal
{
    public static List<(string TaskId, int Attempt, string WorkerId)> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var entries = new List<(string, int, string)>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts.Length >= 3)
            {
                entries.Add((parts[0], int.Parse(parts[1]), parts[2]));
            }
        }

        return entries;
    }
}
