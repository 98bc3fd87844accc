using System.Diagnostics;
using Npgsql;
using SupportChat.Bench.Inbox;

// Usage: InboxBenchmark [postgres-connection-string] [--rounds N] [--conversations N] [--no-sqlite] [--no-postgres]
// Without a connection string, the server comes from the PG* variables pg_virtualenv exports, as in the tests.
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };   // let the finally blocks drop what was created
var ct = cancel.Token;

Console.WriteLine($"Inbox benchmark (GET /conversations), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {CpuModel()}, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {LoadAverage()}");
Console.WriteLine($"calls: {options.Warmups} warm-up rounds, then up to {options.Rounds} measured rounds of every query in turn " +
                  $"(at least 10, then until {options.Budget.TotalSeconds:F0} s are spent), each call through a fresh DI scope and pooled DbContext");

var generating = Stopwatch.StartNew();
var data = InboxData.Generate(seed: 42);
Console.WriteLine($"data: {InboxData.ConversationCount:N0} conversations from {InboxData.Start:yyyy-MM-dd} to {InboxData.End:yyyy-MM-dd}, " +
                  $"{InboxData.Supervisors} supervisors with {InboxData.AgentsPerSupervisor} agents each, {InboxData.MessagesPerClosed} messages per closed one, " +
                  $"generated in {generating.Elapsed.TotalSeconds:F1} s");
foreach (var group in data.NewestFirst.GroupBy(c => c.Status).OrderByDescending(g => g.Count()))
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
    public int Warmups => 20;
    /// <summary>Per provider state; at a few ms a call, 100 rounds of 31 queries take tens of seconds, so this only bounds a slow machine.</summary>
    public TimeSpan Budget => TimeSpan.FromSeconds(120);

    public static BenchmarkOptions Parse(string[] args)
    {
        string? connectionString = null;
        var rounds = 100;
        var sqlite = true;
        var postgres = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--conversations": InboxData.ConversationCount = int.Parse(args[++i]); break;
                case "--no-sqlite": sqlite = false; break;
                case "--no-postgres": postgres = false; break;
                case var value when !value.StartsWith("--", StringComparison.Ordinal): connectionString = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Usage: InboxBenchmark [postgres-connection-string] [--rounds N] [--conversations N] [--no-sqlite] [--no-postgres]");
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
