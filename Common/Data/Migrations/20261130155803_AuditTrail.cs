using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupportChat.Common.Data.Migrations
{
    /// <summary>The audit trail (see <see cref="AuditEvent"/>), with an index per filter of GET /admin/audit.</summary>
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<string>(maxLength: 24, nullable: false),
                    At = table.Column<DateTime>(nullable: false),
                    ActorId = table.Column<string>(maxLength: 24, nullable: true),
                    ActorRole = table.Column<string>(maxLength: 16, nullable: true),
                    Action = table.Column<string>(maxLength: 32, nullable: false),
                    ConversationId = table.Column<string>(maxLength: 24, nullable: true),
                    TargetUserId = table.Column<string>(maxLength: 24, nullable: true),
                    Details = table.Column<string>(nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_Action_At_Id",
                table: "AuditEvents",
                columns: new[] { "Action", "At", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ActorId_At_Id",
                table: "AuditEvents",
                columns: new[] { "ActorId", "At", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_At_Id",
                table: "AuditEvents",
                columns: new[] { "At", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ConversationId_At_Id",
                table: "AuditEvents",
                columns: new[] { "ConversationId", "At", "Id" });

            // PostgreSQL only: with the default 100 most-common values, half of 200 busy supervisors miss the list, get the
            // estimate of a rare actor, and an actorId page becomes a bitmap scan and sort of all their events instead of
            // reading 50 from the index (BENCHMARKS.md "Audit trail"). 1,000 keeps every heavy actor's real count.
            if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
                migrationBuilder.Sql("""ALTER TABLE "AuditEvents" ALTER COLUMN "ActorId" SET STATISTICS 1000;""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEvents");
        }
    }
}
