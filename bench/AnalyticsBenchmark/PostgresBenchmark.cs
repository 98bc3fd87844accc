using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace SupportChat.Bench.Analytics;

static class PostgresBenchmark
{
    public static async Task RunAsync(string serverConnectionString, BenchmarkData data, BenchmarkOptions options, CancellationToken ct)
    {
        var database = $"analytics_bench_{Guid.NewGuid():N}";
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
            // What the migration does for an existing database; from then on the app keeps the counters at each close.
            await ExecuteAsync(benchConnection, SupportChat.Common.Data.SupervisorStats.FillFromClosedConversations, ct);
            Console.WriteLine($"seeded {data.UserCount:N0} users and {data.ConversationCount:N0} conversations with binary COPY in {seeding.Elapsed.TotalSeconds:F1} s");
            // Two states, because the app's plan relies on index-only scans, which are only as cheap as the visibility map
            // is complete. First the worst case: fresh rows with statistics but no visibility map (autovacuum held off so
            // it stays that way), then the steady state a long-lived table reaches once vacuumed.
            await ExecuteAsync(benchConnection, """ALTER TABLE "Users" SET (autovacuum_enabled = false); ALTER TABLE "Conversations" SET (autovacuum_enabled = false)""", ct);
            await ExecuteAsync(benchConnection, "ANALYZE", ct);
            var statements = new List<(string Name, string Sql)>();
            foreach (var (name, query) in options.Queries)
                statements.Add((name, await AppDatabase.CaptureSqlAsync("Postgres", benchConnection, query, ct)));
            await MeasureStateAsync(services, benchConnection, data, statements, "ANALYZE only, visibility map empty", options, ct);

            await ExecuteAsync(benchConnection, """ALTER TABLE "Users" RESET (autovacuum_enabled); ALTER TABLE "Conversations" RESET (autovacuum_enabled)""", ct);
            var vacuum = Stopwatch.StartNew();
            await ExecuteAsync(benchConnection, "VACUUM (ANALYZE)", ct);
            Console.WriteLine($"VACUUM (ANALYZE) in {vacuum.Elapsed.TotalSeconds:F1} s");
            await MeasureStateAsync(services, benchConnection, data, statements, "after VACUUM (ANALYZE)", options, ct);

            foreach (var (name, sql) in statements) Report.Block($"SQL sent by EF Core, {name}", sql.Split('\n'));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(serverConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
            Console.WriteLine($"dropped database {database}");
        }
    }

    static async Task MeasureStateAsync(IServiceProvider services, string connectionString, BenchmarkData data,
        List<(string Name, string Sql)> statements, string state, BenchmarkOptions options, CancellationToken ct)
    {
        Report.Heading($"PostgreSQL, {state}");
        var measured = new Dictionary<AnalyticsQuery, Timings>();
        foreach (var (name, query) in options.Queries)
        {
            var (timings, rows) = await Measurement.RunAsync(services, query, options.Warmups, options.IterationsOf(query), options.Budget, ct);
            Measurement.Verify(rows, data);
            measured[query] = timings;
            Report.Result("PostgreSQL", name, timings, rows, withTarget: query == Queries.App);
            Report.Budget(timings, options.IterationsOf(query), options.Budget);
        }
        Report.Ratio($"PostgreSQL, {state}", measured[Queries.App], measured[Queries.Recount]);
        foreach (var (name, sql) in statements)
            Report.Block($"EXPLAIN (ANALYZE, BUFFERS), {name}, {state}", await ExplainAsync(connectionString, sql, ct));
    }

    static Task<List<string>> ExplainAsync(string connectionString, string sql, CancellationToken ct) =>
        QueryLinesAsync(connectionString, "EXPLAIN (ANALYZE, BUFFERS) " + sql, ct);

    /// <summary>Binary COPY into the tables the migration created, indexes included, as the app's schema has them.</summary>
    static async Task SeedAsync(string connectionString, BenchmarkData data, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var users = await connection.BeginBinaryImportAsync(
            """COPY "Users" ("Id", "Name", "Email", "PasswordHash", "Role", "SupervisorId", "CreatedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            users.Timeout = TimeSpan.FromMinutes(60);   // 10 million conversations take minutes here
            foreach (var user in data.Users())
            {
                await users.StartRowAsync(ct);
                await users.WriteAsync(user.Id.ToString(), NpgsqlDbType.Varchar, ct);
                await users.WriteAsync(user.Name, NpgsqlDbType.Varchar, ct);
                await users.WriteAsync(user.Email, NpgsqlDbType.Varchar, ct);
                await users.WriteAsync(user.PasswordHash, NpgsqlDbType.Text, ct);
                await users.WriteAsync(user.Role, NpgsqlDbType.Varchar, ct);
                if (user.SupervisorId is { } supervisorId) await users.WriteAsync(supervisorId.ToString(), NpgsqlDbType.Varchar, ct);
                else await users.WriteNullAsync(ct);
                await users.WriteAsync(user.CreatedAt, NpgsqlDbType.TimestampTz, ct);
            }
            await users.CompleteAsync(ct);
        }
        await using (var conversations = await connection.BeginBinaryImportAsync(
            """COPY "Conversations" ("Id", "CandidateId", "SupervisorId", "AgentId", "Status", "CreatedAt", "ClosedAt") FROM STDIN (FORMAT BINARY)""", ct))
        {
            conversations.Timeout = TimeSpan.FromMinutes(60);
            foreach (var conversation in data.Conversations())
            {
                await conversations.StartRowAsync(ct);
                await conversations.WriteAsync(conversation.Id.ToString(), NpgsqlDbType.Varchar, ct);
                await conversations.WriteAsync(conversation.CandidateId.ToString(), NpgsqlDbType.Varchar, ct);
                await conversations.WriteAsync(conversation.SupervisorId.ToString(), NpgsqlDbType.Varchar, ct);
                if (conversation.AgentId is { } agentId) await conversations.WriteAsync(agentId.ToString(), NpgsqlDbType.Varchar, ct);
                else await conversations.WriteNullAsync(ct);
                await conversations.WriteAsync(conversation.Status, NpgsqlDbType.Varchar, ct);
                await conversations.WriteAsync(conversation.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                if (conversation.ClosedAt is { } closedAt) await conversations.WriteAsync(closedAt, NpgsqlDbType.TimestampTz, ct);
                else await conversations.WriteNullAsync(ct);
            }
            await conversations.CompleteAsync(ct);
        }
    }

    static async Task<List<string>> ServerFactsAsync(string connectionString, CancellationToken ct)
    {
        var facts = await QueryLinesAsync(connectionString, "SELECT version()", ct);
        foreach (var setting in new[] { "shared_buffers", "work_mem", "effective_cache_size", "jit", "max_parallel_workers_per_gather", "lc_collate" })
            facts.AddRange((await QueryLinesAsync(connectionString, $"SHOW {setting}", ct)).Select(v => $"{setting} = {v}"));
        return facts;
    }

    static async Task<List<string>> QueryLinesAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(0));
        return lines;
    }

    static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 3600 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
