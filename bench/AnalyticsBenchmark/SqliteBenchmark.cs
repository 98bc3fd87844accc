using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace SupportChat.Bench.Analytics;

static class SqliteBenchmark
{
    public static async Task RunAsync(BenchmarkData data, BenchmarkOptions options, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"analytics-bench-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path}";
        Report.Heading($"SQLite {await VersionAsync(ct)}: {path}");
        try
        {
            await using var services = AppDatabase.Build("Sqlite", connectionString);
            await AppDatabase.MigrateAsync(services, ct);

            var seeding = Stopwatch.StartNew();
            await SeedAsync(connectionString, data, ct);
            // What the migration does for an existing database; from then on the app keeps the counters at each close.
            await ExecuteAsync(connectionString, SupportChat.Common.Data.SupervisorStats.FillFromClosedConversations, ct);
            Console.WriteLine($"seeded {data.UserCount:N0} users and {data.ConversationCount:N0} conversations in one transaction in {seeding.Elapsed.TotalSeconds:F1} s");
            // The app never runs ANALYZE on SQLite; it is run here so both providers plan with statistics.
            await ExecuteAsync(connectionString, "ANALYZE", ct);

            var statements = new List<(string Name, string Sql)>();
            var measured = new Dictionary<AnalyticsQuery, Timings>();
            foreach (var (name, query) in options.Queries)
            {
                statements.Add((name, await AppDatabase.CaptureSqlAsync("Sqlite", connectionString, query, ct)));
                var (timings, rows) = await Measurement.RunAsync(services, query, options.SqliteWarmups, options.IterationsOf(query), options.Budget, ct);
                Measurement.Verify(rows, data);
                measured[query] = timings;
                Report.Result("SQLite", name, timings, rows, withTarget: query == Queries.App);
                Report.Budget(timings, options.IterationsOf(query), options.Budget);
            }
            Report.Ratio("SQLite", measured[Queries.App], measured[Queries.Recount]);
            foreach (var (name, sql) in statements)
            {
                Report.Block($"SQL sent by EF Core, {name}", sql.Split('\n'));
                Report.Block($"EXPLAIN QUERY PLAN, {name}", await PlanAsync(connectionString, sql, ct));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
            Console.WriteLine($"deleted {path}");
        }
    }

    /// <summary>One transaction and one prepared statement per table: SQLite's fastest path short of its C API.</summary>
    static async Task SeedAsync(string connectionString, BenchmarkData data, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // A 1 GB page cache for this connection only: at 10 million rows the default 2 MB turns every insert into the
        // random-keyed indexes (CandidateId, AgentId) into a read of the file. The measured calls use the app's settings.
        await using (var cache = new SqliteCommand("PRAGMA cache_size = -1000000", connection)) await cache.ExecuteNonQueryAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);

        await using (var users = Prepare(connection, transaction, "Users", ["Id", "Name", "Email", "PasswordHash", "Role", "SupervisorId", "CreatedAt"]))
            foreach (var user in data.Users())
            {
                Bind(users, user.Id.ToString(), user.Name, user.Email, user.PasswordHash, user.Role, user.SupervisorId?.ToString(), user.CreatedAt);
                users.ExecuteNonQuery();
            }
        await using (var conversations = Prepare(connection, transaction, "Conversations", ["Id", "CandidateId", "SupervisorId", "AgentId", "Status", "CreatedAt", "ClosedAt"]))
            foreach (var conversation in data.Conversations())
            {
                Bind(conversations, conversation.Id.ToString(), conversation.CandidateId.ToString(), conversation.SupervisorId.ToString(),
                    conversation.AgentId?.ToString(), conversation.Status, conversation.CreatedAt, conversation.ClosedAt);
                conversations.ExecuteNonQuery();
            }
        await transaction.CommitAsync(ct);
    }

    static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        command.Prepare();
        return command;
    }

    /// <summary>DateTimes bind as "yyyy-MM-dd HH:mm:ss.FFFFFFF" text, the format EF Core's SQLite provider writes.</summary>
    static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    static async Task<List<string>> PlanAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new SqliteCommand("EXPLAIN QUERY PLAN " + sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var depth = new Dictionary<long, int> { [0] = 0 };
        var lines = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            // Columns: id, parent, notused, detail; the parent id gives the tree's indentation.
            var level = depth.GetValueOrDefault(reader.GetInt64(1)) + 1;
            depth[reader.GetInt64(0)] = level;
            lines.Add(new string(' ', 2 * (level - 1)) + reader.GetString(3));
        }
        return lines;
    }

    static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    static async Task<string> VersionAsync(CancellationToken ct)
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(ct);
        await using var command = new SqliteCommand("SELECT sqlite_version()", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
