using System.Diagnostics;
using Npgsql;
using SupportChat.Bench.Audit;

// Usage: AuditBenchmark [postgres-connection-string] [--rounds N] [--no-sqlite] [--no-postgres]
// Without a connection string, the server comes from the PG* variables pg_virtualenv exports, as in the tests.
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };   // let the finally blocks drop what was created
var ct = cancel.Token;

Console.WriteLine($"Audit benchmark (GET /admin/audit), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {CpuModel()}, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {LoadAverage()}");
Console.WriteLine($"calls: {options.Warmups} warm-up rounds, then up to {options.Rounds} measured rounds of every query in turn " +
                  $"(at least 10, then until {options.Budget.TotalSeconds:F0} s are spent), each call through a fresh DI scope and pooled DbContext");

var generating = Stopwatch.StartNew();
var data = TrailData.Generate(seed: 42);
Console.WriteLine($"data: {TrailData.EventCount:N0} events from {TrailData.Start:yyyy-MM-dd} to {TrailData.End:yyyy-MM-dd}, generated in {generating.Elapsed.TotalSeconds:F1} s");
foreach (var group in data.NewestFirst.GroupBy(e => e.Action).OrderByDescending(g => g.Count()))
    Console.WriteLine($"  {group.Key}: {group.Count():N0}");

if (options.Postgres) await PostgresRun.RunAsync(options.PostgresConnectionString, data, options, ct);
if (options.Sqlite) await SqliteRun.RunAsync(data, options, ct);
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

sealed record BenchmarkOptions(string PostgresConnectionString, int Rounds, bool Sqlite, bool Postgres)
{
    /// <summary>Enough calls for the JIT to have moved the hot paths to optimized code before anything is timed.</summary>
    public int Warmups => 50;
    /// <summary>Per provider state; at about 1 ms a call, 200 rounds of 17 queries take seconds, so this only bounds a slow machine.</summary>
    public TimeSpan Budget => TimeSpan.FromSeconds(90);

    public static BenchmarkOptions Parse(string[] args)
    {
        string? connectionString = null;
        var rounds = 200;
        var sqlite = true;
        var postgres = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--no-sqlite": sqlite = false; break;
                case "--no-postgres": postgres = false; break;
                case var value when !value.StartsWith("--", StringComparison.Ordinal): connectionString = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Usage: AuditBenchmark [postgres-connection-string] [--rounds N] [--no-sqlite] [--no-postgres]");
            }
        }
        return new BenchmarkOptions(connectionString ?? FromEnvironment(), rounds, sqlite, postgres);
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
