using System.Diagnostics;
using SupportChat.Common.Data;
using SupportChat.Features.Analytics;

namespace SupportChat.Bench.Analytics;

delegate Task<List<AnalyticsRow>> AnalyticsQuery(SupportChatDb db, CancellationToken ct);

sealed record Timings(IReadOnlyList<double> Milliseconds)
{
    double[] Sorted { get; } = [.. Milliseconds.Order()];
    public int Count => Sorted.Length;
    public double Min => Sorted[0];
    public double Max => Sorted[^1];
    public double Mean => Sorted.Average();
    public double P50 => Percentile(50);
    public double P90 => Percentile(90);

    /// <summary>Nearest rank: always a time that was actually measured.</summary>
    double Percentile(int p) => Sorted[Math.Max(0, (int)Math.Ceiling(p / 100.0 * Sorted.Length) - 1)];

    public override string ToString() =>
        $"n={Count}  min {Min:F1}  p50 {P50:F1}  p90 {P90:F1}  max {Max:F1}  mean {Mean:F1}  (ms)";
}

static class Measurement
{
    /// <summary>
    /// Each call leases its own context from a new DI scope, as a request does, so the figure includes
    /// what a request pays (context from the pool, connection from Npgsql's pool) besides the query itself.
    /// Stops early once <paramref name="budget"/> is spent, so a slow provider still finishes.
    /// </summary>
    public static async Task<(Timings Timings, List<AnalyticsRow> Rows)> RunAsync(
        IServiceProvider services, AnalyticsQuery query, int warmups, int iterations, TimeSpan budget, CancellationToken ct)
    {
        List<AnalyticsRow> rows = [];
        for (var i = 0; i < warmups; i++) rows = await CallAsync(services, query, ct);

        var times = new List<double>(iterations);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < iterations && (i < 5 || total.Elapsed < budget); i++)
        {
            var watch = Stopwatch.StartNew();
            rows = await CallAsync(services, query, ct);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (new Timings(times), rows);
    }

    static async Task<List<AnalyticsRow>> CallAsync(IServiceProvider services, AnalyticsQuery query, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<SupportChatDb>(), ct);
    }

    /// <summary>Throws unless every supervisor is there with 25 agents and exactly the closed conversations its agents handled.</summary>
    public static void Verify(List<AnalyticsRow> rows, BenchmarkData data)
    {
        var problems = new List<string>();
        if (rows.Count != BenchmarkData.Supervisors) problems.Add($"{rows.Count} rows, expected {BenchmarkData.Supervisors}");
        if (rows.Sum(r => r.Agents) != BenchmarkData.Agents) problems.Add($"agents sum {rows.Sum(r => r.Agents)}, expected {BenchmarkData.Agents}");
        if (rows.Sum(r => r.ConversationsHandled) != data.Closed)
            problems.Add($"conversationsHandled sum {rows.Sum(r => r.ConversationsHandled)}, expected {data.Closed}");
        foreach (var row in rows)
            if (!data.ExpectedHandled.TryGetValue(row.SupervisorId, out var expected) || expected != row.ConversationsHandled || row.Agents != BenchmarkData.AgentsPerSupervisor)
                problems.Add($"supervisor {row.SupervisorId}: {row.Agents} agents / {row.ConversationsHandled} handled, expected {BenchmarkData.AgentsPerSupervisor} / {expected}");
        if (problems.Count > 0) throw new InvalidOperationException("Wrong analytics result: " + string.Join("; ", problems.Take(5)));
    }
}
