using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime;

// One checkpoint's cost: the transcript journal the app writes now (TranscriptJournal.Encode + AppendAsync, the app's
// own code) against the design it replaced, a LiveMessages row per message (prepared single-row INSERTs on SQLite,
// binary COPY on PostgreSQL, as TranscriptWriter wrote them until 2026-11-30), on the same database, round after
// round, alternating which goes first. CPU is what the chat server's core pays: this process's CPU time, plus on
// PostgreSQL the backend's (read from /proc), since a B-tree insert costs the server as well.
//
//   pg_virtualenv -t dotnet run -c Release --project bench/CheckpointBenchmark -- [--rounds 20] [--conversations 200]
//       [--messages 100] [--content-bytes 64] [--no-sqlite] [--no-postgres]
//
// PostgreSQL is reached through the PG* variables pg_virtualenv exports; each provider gets a fresh database.

var options = Options.Parse(args);
Console.WriteLine($"checkpoint benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine($"each round: {options.Conversations} conversations x {options.Messages} new messages of {options.ContentBytes} characters, {options.Rounds} rounds");
Console.WriteLine();
Console.WriteLine("| provider | design | CPU ms per 1,000 messages | wall ms per checkpoint, p50 | ratio of CPU to per-message rows |");
Console.WriteLine("|---|---|---:|---:|---:|");
if (options.Sqlite)
{
    var file = Path.Combine(Path.GetTempPath(), $"checkpoint-bench-{Guid.NewGuid():N}.db");
    try
    {
        await RunAsync("SQLite", "Sqlite", $"Data Source={file}", options);
    }
    finally
    {
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + "*")) File.Delete(f);
    }
}
if (options.Postgres)
{
    var database = $"checkpoint_bench_{Guid.NewGuid():N}";
    var server = $"Host={Env("PGHOST", "localhost")};Port={Env("PGPORT", "5432")};Username={Env("PGUSER", "postgres")};Password={Env("PGPASSWORD", "")}";
    await RunAsync("PostgreSQL", "Postgres", $"{server};Database={database}", options);
    await using var admin = new NpgsqlConnection($"{server};Database=postgres");
    await admin.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", admin);
    await drop.ExecuteNonQueryAsync();
}
return 0;

static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

static async Task RunAsync(string label, string provider, string connectionString, Options options)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Database:Provider"] = provider,
        ["Database:ConnectionString"] = connectionString,
    }).Build();
    await using var services = new ServiceCollection().AddDatabase(configuration).BuildServiceProvider();
    await using var scope = services.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
    await db.Database.MigrateAsync();
    await db.Database.OpenConnectionAsync();   // one connection (one PostgreSQL backend) for every round
    var connection = db.Database.GetDbConnection();
    var postgres = connection as NpgsqlConnection;
    if (postgres is null) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    await db.Database.ExecuteSqlRawAsync(Baseline.CreateTable(postgres is not null));
    var backend = postgres is null ? 0 : await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();

    var cpu = new Dictionary<string, TimeSpan> { ["rows"] = TimeSpan.Zero, ["journal"] = TimeSpan.Zero };
    var wall = new Dictionary<string, List<double>> { ["rows"] = [], ["journal"] = [] };
    var senders = Enumerable.Range(0, options.Conversations).Select(_ => ObjectId.NewId()).ToArray();
    var conversations = Enumerable.Range(0, options.Conversations).Select(_ => ObjectId.NewId()).ToArray();
    // Round 0 warms both paths up (JIT, statement caches) and is not counted.
    for (var round = 0; round <= options.Rounds; round++)
    {
        var content = new string('x', options.ContentBytes);
        var at = DateTime.UtcNow;
        List<TranscriptWriter.TranscriptRun> runs = [.. conversations.Select((id, c) => new TranscriptWriter.TranscriptRun(id, round * options.Messages,
            [.. Enumerable.Range(0, options.Messages).Select(i => new LiveMessage(senders[c], c % 2 == 0 ? "candidate" : "agent", content, at))]))];
        string[] order = round % 2 == 0 ? ["rows", "journal"] : ["journal", "rows"];
        foreach (var design in order)
        {
            var (cpuBefore, started) = (Cpu.Used(backend), Stopwatch.GetTimestamp());
            if (design == "rows") await Baseline.InsertAsync(db, connection, runs);
            else await TranscriptJournal.AppendAsync(db, TranscriptJournal.Encode(runs), at, replace: false);
            var (elapsed, used) = (Stopwatch.GetElapsedTime(started), Cpu.Used(backend) - cpuBefore);
            if (round == 0) continue;
            cpu[design] += used;
            wall[design].Add(elapsed.TotalMilliseconds);
        }
    }

    var messages = (double)options.Rounds * options.Conversations * options.Messages;
    foreach (var design in new[] { "rows", "journal" })
    {
        var name = design == "rows" ? "a LiveMessages row per message (before)" : "transcript journal (now)";
        Console.WriteLine($"| {label} | {name} | {cpu[design].TotalMilliseconds / messages * 1000:F1} | {Median(wall[design]):F1} | " +
            $"{cpu[design] / cpu["rows"]:F2}x |");
    }
    // Both wrote every message: a check that neither skipped work.
    var rows = await db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"LiveMessagesBaseline\"").SingleAsync();
    var journaled = (await db.TranscriptJournal.Select(e => e.Payload).ToListAsync()).SelectMany(TranscriptJournal.Decode).Sum(r => (long)r.Messages.Count);
    if (rows != journaled || rows != (long)(messages + options.Conversations * options.Messages))
        throw new InvalidOperationException($"Expected {messages + options.Conversations * options.Messages} messages each, rows {rows}, journal {journaled}.");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static class Cpu
{
    /// <summary>This process's CPU time, plus a PostgreSQL backend's utime + stime from /proc/PID/stat (ticks of 10 ms).</summary>
    public static TimeSpan Used(int backendPid)
    {
        var used = Process.GetCurrentProcess().TotalProcessorTime;
        if (backendPid == 0) return used;
        var stat = File.ReadAllText($"/proc/{backendPid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return used + TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
    }
}

/// <summary>The replaced design: a LiveMessages row per message, written as TranscriptWriter wrote them until 2026-11-30.</summary>
static class Baseline
{
    const string Columns = "\"ConversationId\", \"Sequence\", \"SenderId\", \"SenderRole\", \"Content\", \"CreatedAt\"";

    public static string CreateTable(bool postgres) => $"""
        CREATE TABLE "LiveMessagesBaseline" ("ConversationId" varchar(24) NOT NULL, "Sequence" integer NOT NULL,
            "SenderId" varchar(24) NOT NULL, "SenderRole" varchar(16) NOT NULL, "Content" text NOT NULL,
            "CreatedAt" {(postgres ? "timestamp with time zone" : "TEXT")} NOT NULL, PRIMARY KEY ("ConversationId", "Sequence"))
        """;

    public static async Task InsertAsync(SupportChatDb db, DbConnection connection, List<TranscriptWriter.TranscriptRun> runs)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (connection is NpgsqlConnection postgres)
        {
            await using var importer = await postgres.BeginBinaryImportAsync($"COPY \"LiveMessagesBaseline\" ({Columns}) FROM STDIN (FORMAT BINARY)");
            var n = 0;
            foreach (var run in runs)
                for (var i = 0; i < run.Messages.Count; i++)
                {
                    var message = run.Messages[i];
                    await importer.StartRowAsync();
                    await importer.WriteAsync(run.ConversationId.ToString(), NpgsqlDbType.Varchar);
                    await importer.WriteAsync(run.FirstSequence + i, NpgsqlDbType.Integer);
                    await importer.WriteAsync(message.SenderId.ToString(), NpgsqlDbType.Varchar);
                    await importer.WriteAsync(message.SenderRole, NpgsqlDbType.Varchar);
                    await importer.WriteAsync(message.Content, NpgsqlDbType.Text);
                    await importer.WriteAsync(message.CreatedAt, NpgsqlDbType.TimestampTz);
                    if (++n % 100 == 0) await Task.Yield();
                }
            await importer.CompleteAsync();
        }
        else
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction.GetDbTransaction();
            insert.CommandText = $"INSERT INTO \"LiveMessagesBaseline\" ({Columns}) VALUES (@c, @s, @u, @r, @x, @t)";
            var parameters = new[] { "@c", "@s", "@u", "@r", "@x", "@t" }.Select(name =>
            {
                var parameter = insert.CreateParameter();
                parameter.ParameterName = name;
                insert.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
            var n = 0;
            foreach (var run in runs)
                for (var i = 0; i < run.Messages.Count; i++)
                {
                    var message = run.Messages[i];
                    parameters[0].Value = run.ConversationId.ToString();
                    parameters[1].Value = run.FirstSequence + i;
                    parameters[2].Value = message.SenderId.ToString();
                    parameters[3].Value = message.SenderRole;
                    parameters[4].Value = message.Content;
                    parameters[5].Value = message.CreatedAt;
                    await insert.ExecuteNonQueryAsync();
                    if (++n % 100 == 0) await Task.Yield();
                }
        }
        await transaction.CommitAsync();
    }
}

sealed record Options(int Rounds, int Conversations, int Messages, int ContentBytes, bool Sqlite, bool Postgres)
{
    public static Options Parse(string[] args)
    {
        var options = new Options(20, 200, 100, 64, true, true);
        for (var i = 0; i < args.Length; i++)
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = int.Parse(args[++i]) },
                "--conversations" => options with { Conversations = int.Parse(args[++i]) },
                "--messages" => options with { Messages = int.Parse(args[++i]) },
                "--content-bytes" => options with { ContentBytes = int.Parse(args[++i]) },
                "--no-sqlite" => options with { Sqlite = false },
                "--no-postgres" => options with { Postgres = false },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        return options;
    }
}
