using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using SupportChat.Common.Auth;

namespace SupportChat.Bench.Inbox;

static class PostgresRun
{
    public static async Task RunAsync(string serverConnectionString, InboxData data, BenchmarkOptions options, CancellationToken ct)
    {
        var database = $"inbox_bench_{Guid.NewGuid():N}";
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
            Console.WriteLine($"seeded {data.NewestFirst.Count:N0} conversations and their messages, oldest first, with binary COPY into the migrated tables (indexes in place) in {seeding.Elapsed.TotalSeconds:F1} s");
            var vacuum = Stopwatch.StartNew();
            await ExecuteAsync(benchConnection, "VACUUM (ANALYZE) \"Conversations\"", ct);
            await ExecuteAsync(benchConnection, "VACUUM (ANALYZE) \"Messages\"", ct);
            Console.WriteLine($"VACUUM (ANALYZE) in {vacuum.Elapsed.TotalSeconds:F1} s");
            Report.Block("table and index sizes", await QueryLinesAsync(benchConnection, """
                SELECT c.relname || ': ' || pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c
                 WHERE c.relname IN ('Conversations', 'Messages', 'PK_Conversations', 'PK_Messages') OR c.relname LIKE 'IX_Conversations%' ORDER BY c.relname
                """, ct));

            var queries = BenchQuery.All(data);
            var timings = await Measurement.RunAsync(services, data, queries, options.Warmups, options.Rounds, options.Budget, ct);
            Report.Table("PostgreSQL, after VACUUM (ANALYZE), ms", queries, timings);
            foreach (var query in queries)
            {
                var sql = await AppDatabase.CaptureSqlAsync("Postgres", benchConnection, query, ct);
                Report.Block($"EXPLAIN (ANALYZE, BUFFERS), {query.Name}", await ExplainAsync(benchConnection, sql, ct));
            }
            Report.Block("SQL sent by EF Core, supervisor's first page", (await AppDatabase.CaptureSqlAsync("Postgres", benchConnection, queries[1], ct)).Text.Split('\n'));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
            Console.WriteLine($"dropped database {database}");
        }
    }

    static async Task SeedAsync(string connectionString, InboxData data, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var import = await connection.BeginBinaryImportAsync(
            """COPY "Conversations" ("Id", "CandidateId", "SupervisorId", "AgentId", "Status", "CreatedAt", "ClosedAt", "Subject", "SubjectLower", "Priority", "CandidateReadSeq", "AgentReadSeq") FROM STDIN (FORMAT BINARY)""", ct))
        {
            import.Timeout = TimeSpan.FromMinutes(20);
            foreach (var c in data.OldestFirst)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(c.Id.ToString(), NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.CandidateId.ToString(), NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.SupervisorId.ToString(), NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(import, c.AgentId?.ToString(), NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.Status, NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                if (c.ClosedAt is { } closedAt) await import.WriteAsync(closedAt, NpgsqlDbType.TimestampTz, ct); else await import.WriteNullAsync(ct);
                await WriteOrNullAsync(import, c.Subject, NpgsqlDbType.Varchar, ct);
                await WriteOrNullAsync(import, c.Subject?.ToLowerInvariant(), NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.Priority, NpgsqlDbType.Varchar, ct);
                await import.WriteAsync(c.CandidateReadSeq, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(0, NpgsqlDbType.Integer, ct);
            }
            await import.CompleteAsync(ct);
        }
        await using (var import = await connection.BeginBinaryImportAsync(
            """COPY "Messages" ("ConversationId", "Sequence", "SenderId", "SenderRole", "Content", "CreatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            import.Timeout = TimeSpan.FromMinutes(20);
            foreach (var c in data.OldestFirst.Where(c => c.ClosedAt is not null))
                for (var i = 0; i < InboxData.MessagesPerClosed; i++)
                {
                    var fromCandidate = i % 2 == 0;
                    await import.StartRowAsync(ct);
                    await import.WriteAsync(c.Id.ToString(), NpgsqlDbType.Varchar, ct);
                    await import.WriteAsync(i, NpgsqlDbType.Integer, ct);
                    await import.WriteAsync((fromCandidate ? c.CandidateId : c.AgentId!.Value).ToString(), NpgsqlDbType.Varchar, ct);
                    await import.WriteAsync(fromCandidate ? Roles.Candidate : Roles.Agent, NpgsqlDbType.Varchar, ct);
                    await import.WriteAsync(fromCandidate ? "Hello, I have a question about my order." : "Thanks for waiting, it ships tomorrow.", NpgsqlDbType.Text, ct);
                    await import.WriteAsync(c.CreatedAt.AddMinutes(i + 1), NpgsqlDbType.TimestampTz, ct);
                }
            await import.CompleteAsync(ct);
        }
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
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 1200 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
