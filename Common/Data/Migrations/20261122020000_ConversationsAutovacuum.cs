using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SupportChat.Common.Data.Migrations;

/// <summary>
/// PostgreSQL only: vacuum Conversations after 2% of its rows change instead of 20%, so the visibility map stays
/// current and analytics keeps its index-only scans (BENCHMARKS.md: 24 ms vacuumed, 259 ms before the first vacuum).
/// </summary>
[DbContext(typeof(SupportChatDb))]
[Migration("20261122020000_ConversationsAutovacuum")]
sealed partial class ConversationsAutovacuum : Migration
{
    const string Npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migration)
    {
        if (migration.ActiveProvider == Npgsql)
            migration.Sql("""ALTER TABLE "Conversations" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);""");
    }

    protected override void Down(MigrationBuilder migration)
    {
        if (migration.ActiveProvider == Npgsql)
            migration.Sql("""ALTER TABLE "Conversations" RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor);""");
    }
}
