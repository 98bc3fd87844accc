using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>What the migrations build, compared with what the model asks for (MigrationsTests checks the snapshot the tools diff).</summary>
public sealed class SchemaTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task The_suite_runs_on_the_provider_it_was_asked_for()
    {
        var provider = await app.WithDbAsync(db => Task.FromResult(db.Database.ProviderName));
        provider.ShouldBe(TestDatabase.IsPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite");
    }

    [Fact]
    public async Task Migrated_schema_matches_the_model()
    {
        var migrated = await app.WithDbAsync(DescribeAsync);

        var reference = TestDatabase.Create();
        try
        {
            var options = new DbContextOptionsBuilder<SupportChatDb>();
            if (TestDatabase.IsPostgres) options.UseNpgsql(reference.ConnectionString); else options.UseSqlite(reference.ConnectionString);
            await using var db = new SupportChatDb(options.Options);
            await db.Database.EnsureCreatedAsync();   // the schema EF derives from the model alone
            var fromModel = await DescribeAsync(db);

            migrated.ShouldBe(fromModel);
        }
        finally
        {
            await reference.DropAsync();
        }
    }

    static async Task<List<string>> DescribeAsync(SupportChatDb db)
    {
        var sql = db.Database.IsNpgsql()
            ? """
              SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(character_maximum_length::text, '')
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%'
              UNION ALL
              SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
              """
            : """
              SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || p.pk
                FROM sqlite_master m JOIN pragma_table_info(m.name) p
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '\_\_EF%' ESCAPE '\'
              UNION ALL
              SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
              """;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            lines.Sort(StringComparer.Ordinal);
            lines.ShouldNotBeEmpty();
            return lines;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
