using System.Globalization;

namespace LoadGenerator;

/// <summary>
/// Reads every run's JSON in a folder and prints Markdown tables: each run, then real vs relay (the median of the
/// repeated runs of each) against the targets of issue #6.
/// </summary>
static class Summary
{
    public static int Run(CommandLine options)
    {
        var folder = options.Required("results");
        options.RejectUnknown();
        var runs = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(RunResult.Load).ToList();
        if (runs.Count == 0) throw new UsageException($"no results in {folder}");

        PrintChatRuns(runs.Where(r => r.Scenario.StartsWith("chat-", StringComparison.Ordinal)).ToList());
        PrintIdleRuns(runs.Where(r => r.Scenario == "idle").ToList());
        PrintCloseBursts(runs.Where(r => r.Scenario == "close-burst").ToList());
        PrintComparison(runs);
        return 0;
    }

    static void PrintChatRuns(List<RunResult> runs)
    {
        if (runs.Count == 0) return;
        Console.WriteLine("\n### Chat runs, in the order they ran\n");
        Console.WriteLine("| run | load | target | delivered msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | server CPU (cores) | server CPU-s / 1,000 msgs | server RSS MiB | generator CPU (cores) | lost / dup / out-of-order |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in runs)
            Console.WriteLine($"| {run.Label} | {run.Setup.GetValueOrDefault("load")} | {run.Target} | {Cell(run, "delivered_per_s")} | {Cell(run, "latency_p50_ms")} | " +
                              $"{Cell(run, "latency_p90_ms")} | {Cell(run, "latency_p99_ms")} | {Cell(run, "latency_p99.9_ms")} | {Cell(run, "latency_max_ms")} | " +
                              $"{Cell(run, "server_cpu_cores")} | {Cell(run, "server_cpu_s_per_1000_msgs")} | {Cell(run, "server_rss_mib")} | {Cell(run, "generator_cpu_cores")} | " +
                              $"{Cell(run, "lost")} / {Cell(run, "duplicated")} / {Cell(run, "out_of_order")} |");
    }

    static void PrintIdleRuns(List<RunResult> runs)
    {
        if (runs.Count == 0) return;
        Console.WriteLine("\n### Idle sockets\n");
        Console.WriteLine("| run | target | sockets connected | connects/s | connect p50 / p99 ms | server CPU-s / 1,000 connects | RSS before MiB | RSS after MiB | RSS per socket KiB | still open after hold |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
            Console.WriteLine($"| {run.Label} | {run.Target} | {Cell(run, "connected")} | {Cell(run, "connect_per_s")} | {Cell(run, "connect_p50_ms")} / {Cell(run, "connect_p99_ms")} | " +
                              $"{Cell(run, "server_cpu_s_per_1000_connects")} | {Cell(run, "server_rss_before_mib")} | {Cell(run, "server_rss_after_mib")} | " +
                              $"{Cell(run, "server_rss_per_socket_kib")} | {Cell(run, "still_open_after_hold")} |");
    }

    static void PrintCloseBursts(List<RunResult> runs)
    {
        if (runs.Count == 0) return;
        Console.WriteLine("\n### Close burst\n");
        Console.WriteLine("| run | closed | CONVERSATION_CLOSED p50 / p99 / max ms | refused | transcripts persisted | server CPU-s in burst | other rooms p99 before / during / after ms | other rooms max during ms | lost / dup / out-of-order |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in runs)
            Console.WriteLine($"| {run.Label} | {Cell(run, "closed_received")}/{run.Setup.GetValueOrDefault("burst_conversations")} | " +
                              $"{Cell(run, "close_p50_ms")} / {Cell(run, "close_p99_ms")} / {Cell(run, "close_max_ms")} | {Cell(run, "close_refusals")} | " +
                              $"{Cell(run, "transcripts_persisted")} | {Cell(run, "server_cpu_s_during_burst")} | " +
                              $"{Cell(run, "background_before_p99_ms")} / {Cell(run, "background_during_p99_ms")} / {Cell(run, "background_after_p99_ms")} | " +
                              $"{Cell(run, "background_during_max_ms")} | {Cell(run, "lost")} / {Cell(run, "duplicated")} / {Cell(run, "out_of_order")} |");
    }

    static void PrintComparison(List<RunResult> runs)
    {
        Console.WriteLine("\n### Against the targets (medians of the repeated runs)\n");
        Console.WriteLine("| measure | real | relay | real / relay | target | met? |");
        Console.WriteLine("|---|---:|---:|---:|---|---|");
        Ratio(runs, "delivered msg/s, closed loop", "chat-closed", "delivered_per_s", atLeast: 0.9, target: "≥ 0.9× relay");
        Ratio(runs, "server CPU-s per 1,000 msgs, closed loop", "chat-closed", "server_cpu_s_per_1000_msgs", atMost: 1.2, target: "≤ 1.2× relay");
        Ratio(runs, "server CPU-s per 1,000 msgs, open loop", "chat-open", "server_cpu_s_per_1000_msgs", atMost: 1.2, target: "≤ 1.2× relay");
        Ratio(runs, "p99 latency ms, open loop", "chat-open", "latency_p99_ms", atMost: 1.25, target: "≤ 1.25× relay");
        Ratio(runs, "p99 latency ms, closed loop", "chat-closed", "latency_p99_ms");
        Ratio(runs, "delivered msg/s, open loop", "chat-open", "delivered_per_s");
        Absolute(runs, "RSS per idle joined socket, KiB", "idle", "server_rss_per_socket_kib", v => v <= 12, "≤ 12 KiB");
        Absolute(runs, "connect+auth+JOIN, sockets/s", "idle", "connect_per_s", v => v >= 2000, "≥ 2,000/s");
        Absolute(runs, "close burst: last CONVERSATION_CLOSED, ms", "close-burst", "close_max_ms", v => v <= 500, "≤ 500 ms");
        Absolute(runs, "close burst: CONVERSATION_CLOSED p99, ms", "close-burst", "close_p99_ms", v => v <= 500, "≤ 500 ms");
        var bursts = runs.Where(r => r.Scenario == "close-burst").ToList();
        if (bursts.Count > 0)
        {
            var before = Median(bursts, "background_before_p99_ms");
            var during = Median(bursts, "background_during_p99_ms");
            Console.WriteLine($"| close burst: other rooms' p99 ms, during vs before | {Number(during)} | (before: {Number(before)}) | {Times(during / before)} | ≤ 1.25× before | {Verdict(during <= 1.25 * before)} |");
        }
        foreach (var target in new[] { "real", "relay" })
        {
            var mine = runs.Where(r => r.Target == target && r.Figures.ContainsKey("lost")).ToList();
            if (mine.Count == 0) continue;
            var (lost, duplicated, reordered) = (Sum(mine, "lost"), Sum(mine, "duplicated"), Sum(mine, "out_of_order"));
            Console.WriteLine($"| lost / duplicated / out-of-order, all {target} runs | {(target == "real" ? $"{lost} / {duplicated} / {reordered}" : "")} | " +
                              $"{(target == "relay" ? $"{lost} / {duplicated} / {reordered}" : "")} | | 0 / 0 / 0 | {Verdict(lost + duplicated + reordered == 0)} |");
        }
    }

    static void Ratio(List<RunResult> runs, string measure, string scenario, string figure, double? atLeast = null, double? atMost = null, string target = "")
    {
        var real = Median(runs.Where(r => r.Scenario == scenario && r.Target == "real"), figure);
        var relay = Median(runs.Where(r => r.Scenario == scenario && r.Target == "relay"), figure);
        if (double.IsNaN(real) && double.IsNaN(relay)) return;
        var ratio = real / relay;
        var verdict = atLeast is { } low ? Verdict(ratio >= low) : atMost is { } high ? Verdict(ratio <= high) : "(for reference)";
        Console.WriteLine($"| {measure} | {Number(real)} | {Number(relay)} | {Times(ratio)} | {target} | {verdict} |");
    }

    static void Absolute(List<RunResult> runs, string measure, string scenario, string figure, Func<double, bool> met, string target)
    {
        var real = Median(runs.Where(r => r.Scenario == scenario && r.Target == "real"), figure);
        var relay = Median(runs.Where(r => r.Scenario == scenario && r.Target == "relay"), figure);
        if (double.IsNaN(real)) return;
        Console.WriteLine($"| {measure} | {Number(real)} | {Number(relay)} | {Times(real / relay)} | {target} | {Verdict(met(real))} |");
    }

    static double Median(IEnumerable<RunResult> runs, string figure)
    {
        var values = runs.Select(r => r.Figures.GetValueOrDefault(figure, double.NaN)).Where(v => !double.IsNaN(v)).Order().ToArray();
        if (values.Length == 0) return double.NaN;
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    static long Sum(IEnumerable<RunResult> runs, string figure) => (long)runs.Sum(r => r.Figures.GetValueOrDefault(figure));

    static string Cell(RunResult run, string figure) => Number(run.Figures.GetValueOrDefault(figure, double.NaN));

    static string Number(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–"
        : Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00#", CultureInfo.InvariantCulture);

    static string Times(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    static string Verdict(bool met) => met ? "met" : "**missed**";
}
