using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace SupportChat.Bench.Audit;

static class PostgresRun
{
    public static async Task RunAsync(string serverConnectionString, TrailData data, BenchmarkOptions options, CancellationToken ct)
    {
        var database = $"audit_bench_{Guid.NewGuid():N}";
        var benchConnection = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;
        Report.Heading($"PostgreSQL: database {database}");
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE \"{database}\"", ct);
        try
        {
            Report.Block("server", await ServerFactsAsync(benchConnection, ct));
            await using var services = AppDatabase.Build("Postgres", benchConnection);
            await AppDatabase.MigrateAsync(services, ct);

            var seeding = Stopwatch.StartNew();
            await SeedAsync(benchConnection, data, ct);
            Console.WriteLine($"seeded {data.NewestFirst.Count:N0} events, oldest first, with binary COPY into the migrated table (its five indexes in place) in {seeding.Elapsed.TotalSeconds:F1} s");
            var vacuum = Stopwatch.StartNew();
            // An append-only table's steady state: autovacuum's insert threshold vacuums and analyzes it as it grows.
            await ExecuteAsync(benchConnection, "VACUUM (ANALYZE) \"AuditEvents\"", ct);
            Console.WriteLine($"VACUUM (ANALYZE) in {vacuum.Elapsed.TotalSeconds:F1} s");
            Report.Block("table and index sizes", await QueryLinesAsync(benchConnection, """
                SELECT c.relname || ': ' || pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c
                 WHERE c.relname = 'AuditEvents' OR c.relname LIKE 'IX_AuditEvents%' OR c.relname = 'PK_AuditEvents' ORDER BY c.relname
                """, ct));

            var queries = BenchQuery.All(data);
            var timings = await Measurement.RunAsync(services, data, queries, options.Warmups, options.Rounds, options.Budget, ct);
            Report.Table("PostgreSQL, after VACUUM (ANALYZE), ms", queries, timings);
            foreach (var query in queries)
            {
                var sql = await AppDatabase.CaptureSqlAsync("Postgres", benchConnection, query, ct);
                Report.Block($"EXPLAIN (ANALYZE, BUFFERS), {query.Name}", await ExplainAsync(benchConnection, sql, ct));
            }
            Report.Block("SQL sent by EF Core, deep page with action filter",
                (await AppDatabase.CaptureSqlAsync("Postgres", benchConnection, queries[^2], ct)).Text.Split('\n'));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
            Console.WriteLine($"dropped database {database}");
        }
    }

    static async Task SeedAsync(string connectionString, TrailData data, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var import = await connection.BeginBinaryImportAsync(
            """COPY "AuditEvents" ("Id", "At", "ActorId", "ActorRole", "Action", "ConversationId", "TargetUserId", "Details") FROM STDIN (FORMAT BINARY)""", ct);
        import.Timeout = TimeSpan.FromMinutes(10);
        foreach (var e in data.OldestFirst)
        {
            await import.StartRowAsync(ct);
            await import.WriteAsync(e.Id.ToString(), NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(e.At, NpgsqlDbType.TimestampTz, ct);
            await WriteOrNullAsync(import, e.ActorId?.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(import, e.ActorRole, NpgsqlDbType.Varchar, ct);
            await import.WriteAsync(e.Action, NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(import, e.ConversationId?.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(import, e.TargetUserId?.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteOrNullAsync(import, e.Details, NpgsqlDbType.Text, ct);
        }
        await import.CompleteAsync(ct);
    }

    static async Task WriteOrNullAsync(NpgsqlBinaryImporter import, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null) await import.WriteNullAsync(ct);
        else await import.WriteAsync(value, type, ct);
    }

    static async Task<List<string>> ExplainAsync(string connectionString, CapturedSql sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = sql.CreateCommand(connection, "EXPLAIN (ANALYZE, BUFFERS) ");
        return await ReadLinesAsync(command, ct);
    }

    static async Task<List<string>> ServerFactsAsync(string connectionString, CancellationToken ct)
    {
        var facts = await QueryLinesAsync(connectionString, "SELECT version()", ct);
        foreach (var setting in new[] { "shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit", "lc_collate" })
            facts.AddRange((await QueryLinesAsync(connectionString, $"SHOW {setting}", ct)).Select(v => $"{setting} = {v}"));
        return facts;
    }

    static async Task<List<string>> QueryLinesAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return await ReadLinesAsync(command, ct);
    }

    static async Task<List<string>> ReadLinesAsync(DbCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(0));
        return lines;
    }

    static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
