using System.Globalization;
using Spectre.Console;
using Vigil.Bench.Measurement;

namespace Vigil.Bench.Report;

/// <summary>Renders the report as tables for people: figures side by side, then the targets.</summary>
internal static class ReportTable
{
    /// <summary>Prints the tables.</summary>
    /// <param name="report">The report.</param>
    public static void Render(BenchReport report)
    {
        var engines = report.Engines;
        var sqlite = engines.GetValueOrDefault("sqlite");
        var redis = engines.GetValueOrDefault("redis");
        var bull = report.Peers.Bullmq;
        var hangfire = report.Peers.Hangfire;

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Vigil benchmark {report.Date}{(report.Quick ? " (quick mode: not meaningful)" : "")} — median (min–max) of {report.Workload.Runs} run(s){(report.Workload.DrainPairs > 1 ? $"; 1-worker drains and the observability overhead: of {report.Workload.Runs * report.Workload.DrainPairs} on/off pairs" : "")}");
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("Vigil SQLite").RightAligned());
        table.AddColumn(new TableColumn("Vigil Redis").RightAligned());
        table.AddColumn(new TableColumn(bull?.Name ?? "BullMQ").RightAligned());
        table.AddColumn(new TableColumn(hangfire?.Name ?? "Hangfire").RightAligned());
        table.AddColumn("target (issue 5)");

        var n = report.Workload.Tasks.ToString("N0", CultureInfo.InvariantCulture);
        Row(table, $"drain {n} no-op, 1 worker, all on (tasks/s)", sqlite?.DrainTasksPerSec, redis?.DrainTasksPerSec, bull?.DrainTasksPerSec, hangfire?.DrainTasksPerSec, "Redis ≥ 25,000; SQLite ≥ 5,000");
        Row(table, "  same, counted from process spawn", sqlite?.DrainFromSpawnTasksPerSec, redis?.DrainFromSpawnTasksPerSec, null, null, "");
        Row(table, "  same by the real `vigil worker`, from spawn", sqlite?.DrainByCliFromSpawnTasksPerSec, redis?.DrainByCliFromSpawnTasksPerSec, null, null, "");
        Row(table, "  same, over the second half (steady state)", sqlite?.DrainSteadyTasksPerSec, redis?.DrainSteadyTasksPerSec, null, null, "");
        Row(table, "  worker CPU per task (µs)", sqlite?.DrainCost?.WorkerMicrosPerTask, redis?.DrainCost?.WorkerMicrosPerTask, null, null, "");
        Row(table, "  redis-server CPU per task (µs)", null, redis?.DrainCost?.ServerMicrosPerTask, null, null, "");
        Row(table, "  worker allocations per task (KB)", sqlite?.DrainCost?.AllocatedKbPerTask, redis?.DrainCost?.AllocatedKbPerTask, null, null, "");
        Row(table, "  worker GC pause per drain (ms)", sqlite?.DrainCost?.GcPauseMs, redis?.DrainCost?.GcPauseMs, null, null, "");
        Row(table, "  worker JIT time during the drain (ms)", sqlite?.DrainCost?.JitMs, redis?.DrainCost?.JitMs, null, null, "");
        Row(table, "enqueue, single (tasks/s)", sqlite?.EnqueueSingleTasksPerSec, redis?.EnqueueSingleTasksPerSec, null, hangfire?.EnqueueTasksPerSec, "");
        Row(table, $"enqueue, batch of {report.Workload.BatchSize} (tasks/s)", sqlite?.EnqueueBatchTasksPerSec, redis?.EnqueueBatchTasksPerSec, bull?.EnqueueTasksPerSec, null, "");
        Row(table, "e2e latency p50 (ms)", sqlite?.Latency?.P50Ms, redis?.Latency?.P50Ms, bull?.Latency?.P50Ms, hangfire?.Latency?.P50Ms, "≤ 0.4");
        Row(table, "e2e latency p95 (ms)", sqlite?.Latency?.P95Ms, redis?.Latency?.P95Ms, bull?.Latency?.P95Ms, hangfire?.Latency?.P95Ms, "");
        Row(table, "e2e latency p99 (ms)", sqlite?.Latency?.P99Ms, redis?.Latency?.P99Ms, bull?.Latency?.P99Ms, hangfire?.Latency?.P99Ms, "≤ 2");
        Row(table, "e2e latency max (ms)", sqlite?.Latency?.MaxMs, redis?.Latency?.MaxMs, bull?.Latency?.MaxMs, hangfire?.Latency?.MaxMs, "≤ 20");
        Row(table, "idle worker CPU (% of a core)", sqlite?.Idle?.CpuPercent, redis?.Idle?.CpuPercent, null, null, "≤ 0.3");
        Row(table, "  same, without background tiered JIT", sqlite?.Idle?.CpuPercentWithoutJit, redis?.Idle?.CpuPercentWithoutJit, null, null, "");
        Row(table, "idle worker RSS (MB)", sqlite?.Idle?.RssMb, redis?.Idle?.RssMb, null, null, "≤ 80");
        Row(table, "drain, observability off (tasks/s)", sqlite?.Observability?.OffTasksPerSec, redis?.Observability?.OffTasksPerSec, null, null, "");
        Row(table, "observability overhead (%)", sqlite?.Observability?.OverheadPercent, redis?.Observability?.OverheadPercent, null, null, "≤ 3");
        Row(table, "  worker CPU per task, off (µs)", sqlite?.Observability?.OffWorkerMicrosPerTask, redis?.Observability?.OffWorkerMicrosPerTask, null, null, "");
        Row(table, "  worker allocations per task, off (KB)", sqlite?.Observability?.OffAllocatedKbPerTask, redis?.Observability?.OffAllocatedKbPerTask, null, null, "");
        Row(table, "  worker GC pause per drain, off (ms)", sqlite?.Observability?.OffGcPauseMs, redis?.Observability?.OffGcPauseMs, null, null, "");
        foreach (var workers in report.Workload.WorkerCounts.Where(w => w > 1))
        {
            var key = workers.ToString(CultureInfo.InvariantCulture);
            Row(table, $"drain, {workers} worker processes (tasks/s)", sqlite?.Scaling?.Workers.GetValueOrDefault(key), redis?.Scaling?.Workers.GetValueOrDefault(key), null, null, "");
        }

        var many = report.Workload.QueueCount.ToString(CultureInfo.InvariantCulture);
        Row(table, $"drain, 1 worker, {many} queues (tasks/s)", sqlite?.Scaling?.Queues.GetValueOrDefault(many), redis?.Scaling?.Queues.GetValueOrDefault(many), null, null, "");
        AnsiConsole.Write(table);

        var load = string.Join(" ", report.Load.Before.Select(l => l.ToString("F2", CultureInfo.InvariantCulture)));
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]{report.Machine.Cpu}, {report.Machine.Cores} cores, {report.Machine.MemoryGb} GB; {report.Machine.Os}; {report.Machine.Dotnet}; Vigil {report.Machine.Vigil} (worker {report.Machine.Worker}); Redis {report.Machine.Redis}{(report.Machine.Node is null ? "" : "; Node " + report.Machine.Node)}; load before {load}; {report.DurationSeconds:F0} s[/]");
        if (bull?.Setup is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{bull.Name}: {bull.Setup}[/]");
        }

        if (hangfire?.Setup is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{hangfire.Name}: {hangfire.Setup}{(hangfire.Latency?.Missed > 0 ? $"; {hangfire.Latency.Missed} latency job(s) missed (counted at the timeout)" : "")}[/]");
        }

        if (report.Peers.Skipped is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]peers skipped: {report.Peers.Skipped}[/]");
        }

        var targets = new Table().Border(TableBorder.Rounded).Title("Targets (issue 5)");
        targets.AddColumn("target");
        targets.AddColumn(new TableColumn("goal").RightAligned());
        targets.AddColumn(new TableColumn("measured").RightAligned());
        targets.AddColumn("met");
        foreach (var check in report.Targets)
        {
            targets.AddRow(
                Markup.Escape(check.Name),
                Markup.Escape(check.Target),
                check.Actual is { } a ? Markup.Escape($"{Targets.Format(a, check.Unit)} {check.Unit}") : "[grey]not measured[/]",
                check.Met ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(targets);
    }

    private static void Row(Table table, string label, Summary? a, Summary? b, Summary? c, Summary? d, string target) =>
        table.AddRow(Markup.Escape(label), Cell(a), Cell(b), Cell(c), Cell(d), Markup.Escape(target));

    private static string Cell(Summary? s)
    {
        if (s is null)
        {
            return "[grey]–[/]";
        }

        var median = Targets.Format(s.Median, s.Unit);
        return s.Runs.Count == 1
            ? Markup.Escape(median)
            : Markup.Escape($"{median} ({Targets.Format(s.Min, s.Unit)}–{Targets.Format(s.Max, s.Unit)})");
    }
}
