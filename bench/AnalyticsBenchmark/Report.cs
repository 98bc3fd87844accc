using SupportChat.Features.Analytics;

namespace SupportChat.Bench.Analytics;

static class Report
{
    public const double TargetMs = 150;

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

    public static void Block(string title, IEnumerable<string> lines)
    {
        Console.WriteLine($"-- {title}");
        foreach (var line in lines) Console.WriteLine("   " + line);
    }
}
