using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace SupportChat.Bench.Inbox;

static class SqliteRun
{
    public static async Task RunAsync(InboxData data, BenchmarkOptions options, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"inbox-bench-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path}";
        Report.Heading($"SQLite {await ScalarAsync("Data Source=:memory:", "SELECT sqlite_version()", ct)}: {path}");
        try
        {
            await using var services = AppDatabase.Build("Sqlite", connectionString);
            await AppDatabase.MigrateAsync(services, ct);

            var seeding = Stopwatch.StartNew();
            await SeedAsync(connectionString, data, ct);
            Console.WriteLine($"seeded {data.NewestFirst.Count:N0} conversations and their messages, oldest first, in one transaction into the migrated tables (indexes in place) in {seeding.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"file size {new FileInfo(path).Length / 1024.0 / 1024.0:F0} MiB (+ WAL {new FileInfo(path + "-wal").Length / 1024.0 / 1024.0:F0} MiB)");

            var queries = BenchQuery.All(data);
            // First as the app runs it: the app never runs ANALYZE on SQLite, so the planner has no statistics.
            var timings = await Measurement.RunAsync(services, data, queries, options.Warmups, options.Rounds, options.Budget, ct);
            Report.Table("SQLite, no ANALYZE (as the app runs), ms", queries, timings);
            await PlansAsync(connectionString, queries, "no ANALYZE", ct);

            await ExecuteAsync(connectionString, "ANALYZE", ct);
            timings = await Measurement.RunAsync(services, data, queries, options.Warmups, options.Rounds, options.Budget, ct);
            Report.Table("SQLite, after ANALYZE, ms", queries, timings);
            await PlansAsync(connectionString, queries, "after ANALYZE", ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
            Console.WriteLine($"deleted {path}");
        }
    }

    static async Task PlansAsync(string connectionString, List<BenchQuery> queries, string state, CancellationToken ct)
    {
        foreach (var query in queries)
        {
            var sql = await AppDatabase.CaptureSqlAsync("Sqlite", connectionString, query, ct);
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = sql.CreateCommand(connection, "EXPLAIN QUERY PLAN ");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var lines = new List<string>();
            while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(3));
            Report.Block($"EXPLAIN QUERY PLAN, {state}, {query.Name}", lines);
        }
    }

    /// <summary>One transaction and one prepared statement per table: SQLite's fastest path short of its C API.</summary>
    static async Task SeedAsync(string connectionString, InboxData data, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        // DateTimes bind as "yyyy-MM-dd HH:mm:ss.FFFFFFF" text, the format EF Core's SQLite provider writes.
        Insert(connection, transaction, "Conversations",
            ["Id", "CandidateId", "SupervisorId", "AgentId", "Status", "CreatedAt", "ClosedAt", "Subject", "SubjectLower", "Priority", "CandidateReadSeq", "AgentReadSeq"],
            data.OldestFirst.Select(c => new object?[]
            {
                c.Id.ToString(), c.CandidateId.ToString(), c.SupervisorId.ToString(), c.AgentId?.ToString(), c.Status, c.CreatedAt, c.ClosedAt,
                c.Subject, c.Subject?.ToLowerInvariant(), c.Priority, c.CandidateReadSeq, 0,
            }));
        Insert(connection, transaction, "Messages", ["ConversationId", "Sequence", "SenderId", "SenderRole", "Content", "CreatedAt"],
            data.OldestFirst.Where(c => c.ClosedAt is not null).SelectMany(c => Enumerable.Range(0, InboxData.MessagesPerClosed).Select(i => new object?[]
            {
                c.Id.ToString(), i, (i % 2 == 0 ? c.CandidateId : c.AgentId!.Value).ToString(), i % 2 == 0 ? "candidate" : "agent",
                i % 2 == 0 ? "Hello, I have a question about my order." : "Thanks for waiting, it ships tomorrow.", c.CreatedAt.AddMinutes(i + 1),
            })));
        await transaction.CommitAsync(ct);
    }

    static void Insert(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++) insert.Parameters.Add(new SqliteParameter($"$p{i}", null));
        insert.Prepare();
        foreach (var values in rows)
        {
            for (var i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
    }

    static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    static async Task<string> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new SqliteCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
