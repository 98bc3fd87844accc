using System.Diagnostics;
using Npgsql;
using SupportChat.Bench.Analytics;

// Usage: AnalyticsBenchmark [postgres-connection-string] [--conversations N] [--iterations N] [--baseline-iterations N] [--no-sqlite] [--alternatives]
// Without a connection string, the server comes from the PG* variables pg_virtualenv exports, as in the tests.
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };   // let the finally blocks drop what was created
var ct = cancel.Token;

Console.WriteLine($"Analytics benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {CpuModel()}, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {LoadAverage()}");
Console.WriteLine($"calls: {options.Warmups} warm-up + {options.Iterations} measured per provider ({options.BaselineIterations} for the baseline), " +
                  $"each through a fresh DI scope and pooled DbContext; a query stops after {options.Budget.TotalMinutes:F0} min once 5 calls are measured");

var generating = Stopwatch.StartNew();
var data = BenchmarkData.Generate(seed: 42, options.Conversations);
Console.WriteLine($"data: {BenchmarkData.Supervisors} supervisors, {BenchmarkData.Agents:N0} agents ({BenchmarkData.AgentsPerSupervisor} each), " +
                  $"{data.Candidates:N0} candidates, {data.ConversationCount:N0} conversations " +
                  $"({data.Closed:N0} closed, {data.Active / 2:N0} assigned, {data.Active - data.Active / 2:N0} open); " +
                  $"expected counts computed in {generating.Elapsed.TotalSeconds:F1} s, rows streamed to each database");

await PostgresBenchmark.RunAsync(options.PostgresConnectionString, data, options, ct);
if (options.Sqlite) await SqliteBenchmark.RunAsync(data, options, ct);
Console.WriteLine();
Console.WriteLine($"load average at end: {LoadAverage()}");
return 0;

// Printed because the figures are only comparable with others taken on an otherwise idle machine.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1, 5, 15 min)" : "unknown";

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

sealed record BenchmarkOptions(string PostgresConnectionString, int Conversations, int Iterations, int BaselineIterations, bool Sqlite, bool Alternatives)
{
    /// <summary>The app's query, plus with --alternatives the rewrites tried when investigating it.</summary>
    public IReadOnlyList<(string Name, AnalyticsQuery Query)> Queries => SupportChat.Bench.Analytics.Queries.Measured(Alternatives);

    /// <summary>Measured calls of <paramref name="query"/>: fewer for the recount baseline, whose calls grow with the data.</summary>
    public int IterationsOf(AnalyticsQuery query) => query == SupportChat.Bench.Analytics.Queries.App ? Iterations : BaselineIterations;

    public int Warmups => 3;
    /// <summary>One warm-up on SQLite: a slow plan there must not cost minutes before measuring starts.</summary>
    public int SqliteWarmups => 1;
    /// <summary>Past this, a provider stops after at least five measured calls; PostgreSQL at the target needs under 10 s.</summary>
    public TimeSpan Budget => TimeSpan.FromMinutes(3);

    public static BenchmarkOptions Parse(string[] args)
    {
        string? connectionString = null;
        var conversations = BenchmarkData.DefaultConversations;
        var iterations = 50;
        int? baselineIterations = null;
        var sqlite = true;
        var alternatives = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--conversations": conversations = int.Parse(args[++i]); break;
                case "--iterations": iterations = int.Parse(args[++i]); break;
                case "--baseline-iterations": baselineIterations = int.Parse(args[++i]); break;
                case "--no-sqlite": sqlite = false; break;
                case "--alternatives": alternatives = true; break;
                case var value when !value.StartsWith("--", StringComparison.Ordinal): connectionString = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Usage: AnalyticsBenchmark [postgres-connection-string] [--conversations N] [--iterations N] [--baseline-iterations N] [--no-sqlite] [--alternatives]");
            }
        }
        return new BenchmarkOptions(connectionString ?? FromEnvironment(), conversations, iterations, baselineIterations ?? iterations, sqlite, alternatives);
    }

    /// <summary>The server the PG* variables name, built the way Tests/Support/TestDatabase.cs builds it.</summary>
    static string FromEnvironment()
    {
        string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        return new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST", "localhost"),
            Port = int.Parse(Env("PGPORT", "5432")),
            Username = Env("PGUSER", "postgres"),
            Password = Environment.GetEnvironmentVariable("PGPASSWORD"),
            Database = Env("PGDATABASE", "postgres"),
        }.ConnectionString;
    }
}
