namespace Vigil.Bench.Infrastructure;

/// <summary>Finds the repository the harness was built from, so it can reach bench/peers and bench/results.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding <c>Vigil.slnx</c>, searched upwards from the harness binary, then the working folder.</summary>
    /// <returns>The repository root, or <see langword="null"/> when the harness runs outside a checkout.</returns>
    public static string? FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
