using SupportChat.Features.Analytics;

namespace SupportChat.Bench.Analytics;

static class Report
{
    /// <summary>Issue #12: p50 under 5 ms at 10 million conversations, on both providers (the app's query only).</summary>
    public const double TargetMs = 5;

    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text}");
    }

    public static void Result(string provider, string query, Timings timings, List<AnalyticsRow> rows, bool withTarget)
    {
        Console.WriteLine($"{provider} / {query}: {timings}");
        Console.WriteLine($"  verified: {rows.Count} rows, agents {rows.Sum(r => r.Agents)}, conversationsHandled {rows.Sum(r => r.ConversationsHandled)}");
        if (withTarget)
            Console.WriteLine($"  target p50 < {TargetMs:F0} ms: {(timings.P50 < TargetMs ? "met" : "MISSED")}" +
                              $" (p90 {(timings.P90 < TargetMs ? "under" : "over")}, max {(timings.Max < TargetMs ? "under" : "over")})");
    }

    /// <summary>The app's p50 over the baseline's, both from this run, which is the comparable figure on a shared machine.</summary>
    public static void Ratio(string provider, Timings app, Timings baseline) =>
        Console.WriteLine($"{provider}: app p50 / baseline p50 = {app.P50:F1} / {baseline.P50:F1} = {app.P50 / baseline.P50:F3}x");

    /// <summary>Says so when a query was cut short by the time budget, so its n is not mistaken for the one asked for.</summary>
    public static void Budget(Timings timings, int asked, TimeSpan budget)
    {
        if (timings.Count < asked)
            Console.WriteLine($"  stopped after {timings.Count} of {asked} calls: the {budget.TotalSeconds:F0} s budget was spent");
    }

    public static void Block(string title, IEnumerable<string> lines)
    {
        Console.WriteLine($"-- {title}");
        foreach (var line in lines) Console.WriteLine("   " + line);
    }
}
