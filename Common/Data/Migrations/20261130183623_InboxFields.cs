using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupportChat.Common.Data.Migrations
{
    /// <inheritdoc />
    public partial class InboxFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // By hand, as the index's annotations below: CREATE EXTENSION IF NOT EXISTS pg_trgm on PostgreSQL, nothing on SQLite.
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<int>(
                name: "AgentReadSeq",
                table: "Conversations",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CandidateReadSeq",
                table: "Conversations",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Priority",
                table: "Conversations",
                maxLength: 16,
                nullable: false,
                defaultValue: "normal");

            migrationBuilder.AddColumn<string>(
                name: "Subject",
                table: "Conversations",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectLower",
                table: "Conversations",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_AgentId_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "AgentId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CandidateId_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "CandidateId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Priority_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "Priority", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Status_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "Status", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_SubjectLower_Trigram",
                table: "Conversations",
                column: "SubjectLower")
                // Written by hand: a migration generated on SQLite leaves PostgreSQL's annotations out (SQLite ignores them).
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_SupervisorId_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "SupervisorId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_SupervisorId_Status_CreatedAt_Id",
                table: "Conversations",
                columns: new[] { "SupervisorId", "Status", "CreatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_AgentId_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CandidateId_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_Priority_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_Status_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_SubjectLower_Trigram",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_SupervisorId_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_SupervisorId_Status_CreatedAt_Id",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "AgentReadSeq",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "CandidateReadSeq",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Subject",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "SubjectLower",
                table: "Conversations");
        }
    }
}
