using System.Reflection;

namespace Vigil.Bench.Infrastructure;

/// <summary>
/// The worker program the harness starts for every Vigil worker process: bench/Vigil.Bench.Worker, either its Native AOT
/// build (what `bench/run` measures by default) or its JIT build (ReadyToRun when published, as `vigil worker` runs).
/// </summary>
/// <param name="FileName">The executable (the AOT binary, or <c>dotnet</c>).</param>
/// <param name="Prefix">Arguments before the worker's own (the JIT build's dll).</param>
/// <param name="Flavor">How it was compiled, for the report: <c>Native AOT</c>, <c>JIT (ReadyToRun)</c>, ...</param>
internal sealed record WorkerBinary(string FileName, IReadOnlyList<string> Prefix, string Flavor)
{
    /// <summary>The choices of <c>--worker</c>.</summary>
    public const string Choices = "auto, aot, jit or the path of a worker executable or dll";

    private const string Project = "Vigil.Bench.Worker";

    /// <summary>Starts one worker process.</summary>
    /// <param name="arguments">The worker's arguments (<c>--storage ...</c>).</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <returns>The started child.</returns>
    public ChildProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment) =>
        ChildProcess.Start(FileName, [.. Prefix, .. arguments], workingDirectory: null, environment);

    /// <summary>Finds the worker for a <c>--worker</c> choice.</summary>
    /// <param name="choice">
    /// <c>aot</c>: the Native AOT binary bench/run publishes (bench/Vigil.Bench.Worker/bin/aot); <c>jit</c>: the ReadyToRun
    /// build bench/run publishes (bin/r2r) when this harness is published too, else the build output beside this harness;
    /// <c>auto</c>: <c>aot</c> when this harness is published and the binary exists, else <c>jit</c>; or a path.
    /// </param>
    /// <param name="repoRoot">The checkout, or <see langword="null"/>.</param>
    /// <param name="isPublished">Whether this harness runs from its publish folder (bench/run).</param>
    /// <param name="error">Why none was found.</param>
    /// <returns>The worker, or <see langword="null"/> with <paramref name="error"/>.</returns>
    public static WorkerBinary? Resolve(string choice, string? repoRoot, bool isPublished, out string? error)
    {
        error = null;
        if (choice is not ("auto" or "aot" or "jit"))
        {
            var path = Path.GetFullPath(choice);
            if (!File.Exists(path))
            {
                error = $"--worker '{choice}' is invalid: no such file. Use {Choices}.";
                return null;
            }

            if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                return new WorkerBinary("dotnet", [path], $"JIT ({path})");
            }

            // An executable with its .dll beside it is a JIT build's app host; alone, a Native AOT binary.
            return File.Exists(path + ".dll")
                ? new WorkerBinary(path, [], $"JIT ({path})")
                : new WorkerBinary(path, [], $"native ({path})");
        }

        if (repoRoot is null)
        {
            error = $"--worker {choice}: the harness is not running from a checkout, so bench/{Project} is not found; pass its path.";
            return null;
        }

        var bin = Path.Combine(repoRoot, "bench", Project, "bin");
        var aot = Path.Combine(bin, "aot", Project);
        if (choice == "aot" || (choice == "auto" && isPublished && File.Exists(aot)))
        {
            if (File.Exists(aot))
            {
                return new WorkerBinary(aot, [], "Native AOT");
            }

            error = $"--worker aot: {aot} is not published. Run bench/run (it publishes it), or: dotnet publish bench/{Project} -c Release -o bench/{Project}/bin/aot";
            return null;
        }

        var r2r = Path.Combine(bin, "r2r", Project + ".dll");
        if (isPublished && File.Exists(r2r))
        {
            return new WorkerBinary("dotnet", [r2r], "JIT (ReadyToRun, no tiering)");
        }

        // Built beside this harness by its project reference, in the same configuration.
        var configuration = typeof(WorkerBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var built = new[] { configuration, "Release", "Debug" }
            .Select(c => Path.Combine(bin, c, "net10.0", Project + ".dll"))
            .FirstOrDefault(File.Exists);
        if (built is not null)
        {
            return new WorkerBinary("dotnet", [built], "JIT (build output)");
        }

        error = $"--worker {choice}: bench/{Project} is not built. Build the solution, or run bench/run.";
        return null;
    }
}
