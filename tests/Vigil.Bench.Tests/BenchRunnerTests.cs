using System.Text.Json;

namespace Vigil.Bench.Tests;

/// <summary>
/// Smoke tests of the benchmark harness: the quick mode runs every step end to end (real redis-server, real SQLite file,
/// real worker processes) and writes well-formed JSON with every figure. No timing is asserted: speed is the harness's
/// report, not a test's.
/// </summary>
public sealed class BenchRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new("bench-tests");

    [Fact]
    public async Task RunAsync_QuickMode_WritesJsonWithEveryFigure()
    {
        // Act
        var (exitCode, stdout, stderr) = await BenchHarness.RunAsync(TimeSpan.FromMinutes(5), "--quick", "--out", _temp.Path);

        // Assert
        Assert.True(exitCode == 0, $"The harness exited with {exitCode}.\n{stdout}\n{stderr}");
        var file = Assert.Single(Directory.GetFiles(_temp.Path, "*.json"));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schema").GetInt32());
        Assert.True(root.GetProperty("quick").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("date").GetString(), out _));
        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        Assert.Equal("quick mode", root.GetProperty("peers").GetProperty("skipped").GetString());

        var machine = root.GetProperty("machine");
        foreach (var name in new[] { "os", "cpu", "dotnet", "vigil", "redis", "worker" })
        {
            Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty(name).GetString()), $"machine.{name} is empty");
        }

        Assert.True(machine.GetProperty("cores").GetInt32() >= 1);
        Assert.Equal(3, root.GetProperty("load").GetProperty("before").GetArrayLength());

        var engines = root.GetProperty("engines");
        foreach (var engine in new[] { "sqlite", "redis" })
        {
            var e = engines.GetProperty(engine);
            AssertPositive(e, "drainTasksPerSec");
            AssertPositive(e, "drainFromSpawnTasksPerSec");
            AssertPositive(e, "drainByCliFromSpawnTasksPerSec");
            AssertPositive(e.GetProperty("drainCost"), "workerMicrosPerTask");
            AssertPositive(e, "enqueueSingleTasksPerSec");
            AssertPositive(e, "enqueueBatchTasksPerSec");

            var latency = e.GetProperty("latency");
            Assert.True(latency.GetProperty("missed").GetInt32() >= 0);
            foreach (var p in new[] { "p50Ms", "p95Ms", "p99Ms", "maxMs" })
            {
                AssertPositive(latency, p);
            }

            Assert.True(Median(latency, "p50Ms") <= Median(latency, "p99Ms"), "p50 above p99");
            Assert.True(Median(latency, "p99Ms") <= Median(latency, "maxMs"), "p99 above max");

            var idle = e.GetProperty("idle");
            Assert.True(Median(idle, "cpuPercent") >= 0, $"{engine} idle CPU is negative");
            Assert.True(Median(idle, "cpuPercentWithoutJit") >= 0, $"{engine} idle CPU without JIT is negative");
            AssertPositive(idle, "rssMb");

            var observability = e.GetProperty("observability");
            AssertPositive(observability, "onTasksPerSec");
            AssertPositive(observability, "offTasksPerSec");
            Assert.True(double.IsFinite(Median(observability, "overheadPercent")));

            var scaling = e.GetProperty("scaling");
            foreach (var workers in new[] { "1", "2", "4" })
            {
                AssertPositive(scaling.GetProperty("workers"), workers);
            }

            foreach (var queues in new[] { "1", "10" })
            {
                AssertPositive(scaling.GetProperty("queues"), queues);
            }
        }

        var redisCost = engines.GetProperty("redis").GetProperty("drainCost");
        AssertPositive(redisCost, "serverMicrosPerTask");
        Assert.True(redisCost.GetProperty("redisCommandsPerTask").TryGetProperty("evalsha", out _), "no EVALSHA counted in the Redis drain");

        var targets = root.GetProperty("targets");
        Assert.Equal(8, targets.GetArrayLength());
        Assert.All(targets.EnumerateArray(), t => Assert.Equal(JsonValueKind.Number, t.GetProperty("actual").ValueKind));
        Assert.Contains("Targets (issue 5)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NativeAotWorker_DrainsAndAnswersOnBothEngines()
    {
        // Arrange: the worker published Native AOT, as bench/run does (into this test's folder, not the checkout's bin/aot).
        // Proves end to end that Vigil's libraries run trimmed and ahead-of-time compiled: storage engines, options
        // binding from the environment, source-generated payload JSON, observability.
        var output = Path.Combine(_temp.Path, "aot");
        await using (var publish = ChildProcess.Start(
            "dotnet",
            ["publish", Path.Combine(BenchHarness.RepoRoot, "bench", "Vigil.Bench.Worker", "Vigil.Bench.Worker.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "quiet", "-clp:ErrorsOnly"]))
        {
            var published = await publish.WaitForExitAsync(TimeSpan.FromMinutes(8));
            Assert.True(published == 0, $"dotnet publish (Native AOT) exited with {published}.\n{publish.StandardOutput}\n{publish.StandardError}");
        }

        var worker = Path.Combine(output, "Vigil.Bench.Worker");
        Assert.True(File.Exists(worker), $"No native worker at {worker}.");

        // Act: with a valid Vigil setting from the environment.
        var (exitCode, stdout, stderr) = await BenchHarness.RunAsync(
            TimeSpan.FromMinutes(5), "--quick", "--steps", "drain,latency", "--worker", worker, "--worker-env", "Vigil__HeartbeatInterval=00:00:02", "--out", _temp.Path);

        // Assert
        Assert.True(exitCode == 0, $"The harness exited with {exitCode}.\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_temp.Path, "*.json"))));
        var root = json.RootElement;
        Assert.Empty(root.GetProperty("errors").EnumerateArray());
        Assert.StartsWith("native", root.GetProperty("machine").GetProperty("worker").GetString(), StringComparison.Ordinal);
        foreach (var engine in new[] { "sqlite", "redis" })
        {
            var e = root.GetProperty("engines").GetProperty(engine);
            AssertPositive(e, "drainTasksPerSec");
            Assert.Equal(0, e.GetProperty("latency").GetProperty("missed").GetInt32());
            AssertPositive(e.GetProperty("latency"), "p50Ms");
        }

        // And a malformed one stops it at start with the key named: the AOT worker's options binder read it.
        var badOut = Path.Combine(_temp.Path, "bad");
        var (badExit, badStdout, badStderr) = await BenchHarness.RunAsync(
            TimeSpan.FromMinutes(2), "--quick", "--engines", "redis", "--steps", "latency", "--worker", worker, "--worker-env", "Vigil__HeartbeatInterval=soon", "--out", badOut);
        Assert.True(badExit == 1, $"The harness exited with {badExit}.\n{badStdout}\n{badStderr}");
        using var bad = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(badOut, "*.json"))));
        Assert.Contains(bad.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("Vigil:HeartbeatInterval is 'soon'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--engines", "postgres", "--engines 'postgres' is invalid")]
    [InlineData("--worker", "/nonexistent/worker", "--worker '/nonexistent/worker' is invalid: no such file")]
    public async Task RunAsync_InvalidOption_ExitsWithUsageErrorAndWritesNothing(string option, string value, string message)
    {
        // Act
        var (exitCode, _, stderr) = await BenchHarness.RunAsync(TimeSpan.FromMinutes(1), "--quick", option, value, "--out", _temp.Path);

        // Assert
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();

    private static double Median(JsonElement parent, string name)
    {
        var figure = parent.GetProperty(name);
        Assert.True(figure.ValueKind == JsonValueKind.Object, $"{name} is missing (null)");
        return figure.GetProperty("median").GetDouble();
    }

    private static void AssertPositive(JsonElement parent, string name)
    {
        var figure = parent.GetProperty(name);
        Assert.True(figure.ValueKind == JsonValueKind.Object, $"{name} is missing (null)");
        var median = figure.GetProperty("median").GetDouble();
        Assert.True(median > 0 && double.IsFinite(median), $"{name} median is {median}");
        Assert.True(figure.GetProperty("min").GetDouble() <= median && median <= figure.GetProperty("max").GetDouble(), $"{name}: min ≤ median ≤ max fails");
        Assert.NotEmpty(figure.GetProperty("runs").EnumerateArray());
    }
}
