using System.Globalization;

namespace HttpBenchmark;

/// <summary>
/// Reads every run's JSON in a folder and prints Markdown: each run in the order it ran, then candidate against
/// baseline per scenario. The headline is the median of the pairs' ratios (a pair being a baseline run and the
/// candidate run right after it, same <c>--pair</c>), since a pair shares the machine's load of the moment; the ratio of
/// the two medians and every pair's ratio are shown too, the spread of the latter being the noise. Exit code 3 when any
/// run is invalid.
/// </summary>
static class Summary
{
    static readonly (string Figure, string Measure, bool HigherIsBetter)[] Compared =
    [
        ("requests_per_s", "requests/s", true),
        ("{0}_p50_ms", "p50 ms", false),
        ("{0}_p99_ms", "p99 ms", false),
        ("server_cpu_s_per_1000_requests", "server CPU-s / 1,000 requests", false),
    ];

    public static int Run(CommandLine options)
    {
        var folder = options.Required("results");
        options.RejectUnknown();
        var runs = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(RunResult.Load).ToList();
        if (runs.Count == 0) throw new UsageException($"no results in {folder}");

        Console.WriteLine("### Runs, in the order they ran\n");
        Console.WriteLine("| run | scenario | server | clients | requests/s | p50 ms | p99 ms | close p50 / p99 ms | server CPU (cores) | server CPU-s / 1,000 requests | generator CPU (cores) | others' CPU (cores) | statuses | errors | valid |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var run in runs)
            Console.WriteLine($"| {run.Label} | {run.Scenario} | {run.Target} | {run.Setup.GetValueOrDefault("clients")} | {Cell(run, "requests_per_s")} | " +
                              $"{Cell(run, $"{run.Scenario}_p50_ms")} | {Cell(run, $"{run.Scenario}_p99_ms")} | " +
                              $"{(run.Scenario == "create" ? $"{Cell(run, "close_p50_ms")} / {Cell(run, "close_p99_ms")}" : "")} | " +
                              $"{Cell(run, "server_cpu_cores")} | {Cell(run, "server_cpu_s_per_1000_requests")} | {Cell(run, "generator_cpu_cores")} | {Cell(run, "other_cpu_cores")} | " +
                              $"{string.Join(", ", run.Statuses.Select(p => $"{p.Key}×{p.Value:#,0}"))} | {Cell(run, "errors")} | {(run.Valid ? "yes" : "**NO**")} |");

        Console.WriteLine("\n### Candidate / baseline (valid runs only; a ratio above 1 is more for the candidate)\n");
        Console.WriteLine("| scenario | measure | baseline median | candidate median | candidate / baseline, median of the pairs' ratios | ratio of the medians | each pair's ratio, in run order |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var scenario in LoadRun.Scenarios)
        {
            var baseline = runs.Where(r => r.Scenario == scenario && r.Target == "baseline" && r.Valid).ToList();
            var candidate = runs.Where(r => r.Scenario == scenario && r.Target == "candidate" && r.Valid).ToList();
            if (baseline.Count == 0 && candidate.Count == 0) continue;
            foreach (var (pattern, measure, _) in Compared)
            {
                var figure = string.Format(CultureInfo.InvariantCulture, pattern, scenario);
                var (b, c) = (Median(baseline, figure), Median(candidate, figure));
                var pairs = baseline
                    .Join(candidate, r => r.Setup.GetValueOrDefault("pair"), r => r.Setup.GetValueOrDefault("pair"), (x, y) => y.Figure(figure) / x.Figure(figure))
                    .ToList();
                Console.WriteLine($"| {scenario} | {measure} | {RunResult.Number(b)} | {RunResult.Number(c)} | **{Times(Median(pairs))}** | {Times(c / b)} | " +
                                  $"{string.Join(", ", pairs.Select(Times))} |");
            }
        }

        var invalid = runs.Where(r => !r.Valid).ToList();
        if (invalid.Count == 0) return 0;
        Console.WriteLine($"\n**{invalid.Count} invalid run(s), left out of the medians:**\n");
        foreach (var run in invalid)
            Console.WriteLine($"- {run.Label}: statuses {string.Join(", ", run.Statuses.Select(p => $"{p.Key}×{p.Value}"))}; errors {Cell(run, "errors")}" +
                              $"{(run.Errors.Count > 0 ? "; first: " + string.Join(" | ", run.Errors) : "")}");
        return 3;
    }

    static double Median(IEnumerable<RunResult> runs, string figure) => Median(runs.Select(r => r.Figure(figure)));

    static double Median(IEnumerable<double> figures)
    {
        var values = figures.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).Order().ToArray();
        if (values.Length == 0) return double.NaN;
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    static string Cell(RunResult run, string figure) => RunResult.Number(run.Figure(figure));

    static string Times(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
