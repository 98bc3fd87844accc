namespace SupportChat.Bench.Inbox;

static class Report
{
    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text}");
    }

    /// <summary>A Markdown table: each query's times and their ratio to the primary-key lookup of the same run.</summary>
    public static void Table(string state, IReadOnlyList<BenchQuery> queries, Dictionary<BenchQuery, Timings> timings)
    {
        var baseline = timings[queries.Single(q => q.IsBaseline)];
        Console.WriteLine();
        Console.WriteLine($"| {state} | calls | min | p50 | p90 | max | p50 ÷ PK p50 | p90 ÷ PK p90 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var query in queries)
        {
            var t = timings[query];
            Console.WriteLine($"| {query.Name} | {t.Count} | {t.Min:F2} | {t.P50:F2} | {t.P90:F2} | {t.Max:F2} | {t.P50 / baseline.P50:F1} | {t.P90 / baseline.P90:F1} |");
        }
    }

    public static void Block(string title, IEnumerable<string> lines)
    {
        Console.WriteLine($"-- {title}");
        foreach (var line in lines) Console.WriteLine("   " + line);
    }
}
