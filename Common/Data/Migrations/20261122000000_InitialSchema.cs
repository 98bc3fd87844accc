using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SupportChat.Common.Data.Migrations;

/// <summary>
/// Written by hand, before the EF design-time package could be restored here (its target model was added later,
/// in the .Designer.cs). Column types are left to the provider, so the one migration serves SQLite and PostgreSQL
/// alike; a test checks that the migrated schema matches the model.
/// </summary>
[DbContext(typeof(SupportChatDb))]
[Migration("20261122000000_InitialSchema")]
sealed partial class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migration)
    {
        migration.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 24, nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Email = table.Column<string>(maxLength: 320, nullable: false),
                PasswordHash = table.Column<string>(nullable: false),
                Role = table.Column<string>(maxLength: 16, nullable: false),
                SupervisorId = table.Column<string>(maxLength: 24, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Users", u => u.Id));
        migration.CreateIndex(name: "IX_Users_Email", table: "Users", column: "Email", unique: true);
        migration.CreateIndex(name: "IX_Users_SupervisorId_Role", table: "Users", columns: ["SupervisorId", "Role"]);

        migration.CreateTable(
            name: "Conversations",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 24, nullable: false),
                CandidateId = table.Column<string>(maxLength: 24, nullable: false),
                SupervisorId = table.Column<string>(maxLength: 24, nullable: false),
                AgentId = table.Column<string>(maxLength: 24, nullable: true),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ClosedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Conversations", c => c.Id));
        migration.CreateIndex(name: "IX_Conversations_CandidateId_Active", table: "Conversations", column: "CandidateId",
            unique: true, filter: SupportChatDb.ActiveConversationFilter);
        migration.CreateIndex(name: "IX_Conversations_AgentId_Status", table: "Conversations", columns: ["AgentId", "Status"]);

        migration.CreateTable(
            name: "Messages",
            columns: table => new
            {
                ConversationId = table.Column<string>(maxLength: 24, nullable: false),
                Sequence = table.Column<int>(nullable: false),
                SenderId = table.Column<string>(maxLength: 24, nullable: false),
                SenderRole = table.Column<string>(maxLength: 16, nullable: false),
                Content = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Messages", m => new { m.ConversationId, m.Sequence }));
    }

    protected override void Down(MigrationBuilder migration)
    {
        migration.DropTable("Messages");
        migration.DropTable("Conversations");
        migration.DropTable("Users");
    }
}
