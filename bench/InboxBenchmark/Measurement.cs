using System.Diagnostics;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Bench.Inbox;

sealed record Timings(IReadOnlyList<double> Milliseconds)
{
    double[] Sorted { get; } = [.. Milliseconds.Order()];
    public int Count => Sorted.Length;
    public double Min => Sorted[0];
    public double Max => Sorted[^1];
    public double P50 => Percentile(50);
    public double P90 => Percentile(90);

    /// <summary>Nearest rank: always a time that was actually measured.</summary>
    double Percentile(int p) => Sorted[Math.Max(0, (int)Math.Ceiling(p / 100.0 * Sorted.Length) - 1)];
}

static class Measurement
{
    /// <summary>
    /// Each call leases its own context from a new DI scope, as a request does, so every figure (the baseline's too)
    /// includes what a request pays besides the query: the context from the pool, the connection from the driver's pool.
    /// Every answer is compared with the expected page. Calls alternate between the queries, round after round, so a
    /// burst of load from other jobs on the machine falls on all of them alike rather than on one.
    /// </summary>
    public static async Task<Dictionary<BenchQuery, Timings>> RunAsync(IServiceProvider services, InboxData data,
        IReadOnlyList<BenchQuery> queries, int warmups, int rounds, TimeSpan budget, CancellationToken ct)
    {
        var expected = queries.ToDictionary(q => q, q => q.Expected(data));
        var times = queries.ToDictionary(q => q, _ => new List<double>(rounds));
        for (var i = 0; i < warmups; i++)
            foreach (var query in queries) Verify(query, await CallAsync(services, query, ct), expected[query]);

        var total = Stopwatch.StartNew();
        for (var round = 0; round < rounds && (round < 10 || total.Elapsed < budget); round++)
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                var ids = await CallAsync(services, query, ct);
                times[query].Add(watch.Elapsed.TotalMilliseconds);
                Verify(query, ids, expected[query]);
            }
        return times.ToDictionary(t => t.Key, t => new Timings(t.Value));
    }

    static async Task<List<ObjectId>> CallAsync(IServiceProvider services, BenchQuery query, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return await query.RunAsync(scope.ServiceProvider.GetRequiredService<SupportChatDb>(), ct);
    }

    static void Verify(BenchQuery query, List<ObjectId> actual, List<ObjectId> expected)
    {
        if (!actual.SequenceEqual(expected))
            throw new InvalidOperationException($"Wrong page for '{query.Name}': {actual.Count} ids, expected {expected.Count}; " +
                $"first difference at {actual.Zip(expected).TakeWhile(p => p.First == p.Second).Count()}.");
    }
}
