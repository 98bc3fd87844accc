using Npgsql;

namespace SupportChat.Tests.Support;

/// <summary>
/// One throwaway database per <see cref="TestApp"/>: a temp SQLite file, or, when the suite runs its PostgreSQL
/// pass (SUPPORTCHAT_TEST_PROVIDER=Postgres, server from the PG* variables that pg_virtualenv sets), a fresh
/// PostgreSQL database that is dropped afterwards.
/// </summary>
public sealed class TestDatabase
{
    public static bool IsPostgres { get; } =
        string.Equals(Environment.GetEnvironmentVariable("SUPPORTCHAT_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase);

    readonly string? _sqlitePath;
    readonly string? _postgresName;

    TestDatabase(string provider, string connectionString, string? sqlitePath, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public string Provider { get; }
    public string ConnectionString { get; }

    /// <summary>
    /// The <c>Redis:KeyPrefix</c> of the services on this database in the Redis pass: one database is one deployment, so
    /// a service started again on it, or a second instance beside it, finds the same keys, and no other test's.
    /// </summary>
    public string RedisKeyPrefix { get; } = TestRedis.NewKeyPrefix();

    public static TestDatabase Create()
    {
        if (!IsPostgres)
        {
            var path = Path.Combine(Path.GetTempPath(), $"supportchat-test-{Guid.NewGuid():N}.db");
            return new TestDatabase("Sqlite", $"Data Source={path}", path, null);
        }
        var name = $"supportchat_test_{Guid.NewGuid():N}";
        return new TestDatabase("Postgres", ServerConnectionString(name), null, name);
    }

    /// <summary>A connection string for <paramref name="database"/> on the test server; the server comes from PG* variables.</summary>
    public static string ServerConnectionString(string database)
    {
        string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
        return new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST", "localhost"),
            Port = int.Parse(Env("PGPORT", "5432")),
            Username = Env("PGUSER", "postgres"),
            Password = Environment.GetEnvironmentVariable("PGPASSWORD"),
            Database = database,
            Pooling = true,
            MaxPoolSize = 50,
        }.ConnectionString;
    }

    /// <summary>
    /// Fills this database, before anything has created it, from a fixture written by an earlier release: a copy of
    /// <paramref name="sqliteFile"/>, or <paramref name="postgresDump"/> (plain SQL from pg_dump) run in a new database.
    /// Synchronous, so a fixture's constructor can call it before its base class starts the app.
    /// </summary>
    public void Restore(string sqliteFile, string postgresDump)
    {
        if (_sqlitePath is not null)
        {
            File.Copy(sqliteFile, _sqlitePath);
            return;
        }
        using (var admin = new NpgsqlConnection(ServerConnectionString("postgres")))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{_postgresName}\"", admin);
            create.ExecuteNonQuery();
        }
        // Lines starting with a backslash are psql meta-commands (pg_dump's \restrict), which the server does not know.
        var script = string.Join('\n', File.ReadLines(postgresDump).Where(line => !line.StartsWith('\\')));
        // Unpooled: the dump empties search_path for its session, which must not reach the app through the pool.
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        using var restore = new NpgsqlCommand(script, connection);
        restore.ExecuteNonQuery();
    }

    public async Task DropAsync()
    {
        if (_sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_sqlitePath + suffix);
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
