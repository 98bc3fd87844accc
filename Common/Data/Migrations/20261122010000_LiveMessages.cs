using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SupportChat.Common.Data.Migrations;

/// <summary>Where live transcripts waited out a restart, one row per message, until migration TranscriptJournal replaced the table.</summary>
[DbContext(typeof(SupportChatDb))]
[Migration("20261122010000_LiveMessages")]
sealed partial class LiveMessages : Migration
{
    protected override void Up(MigrationBuilder migration) => migration.CreateTable(
        name: "LiveMessages",
        columns: table => new
        {
            ConversationId = table.Column<string>(maxLength: 24, nullable: false),
            Sequence = table.Column<int>(nullable: false),
            SenderId = table.Column<string>(maxLength: 24, nullable: false),
            SenderRole = table.Column<string>(maxLength: 16, nullable: false),
            Content = table.Column<string>(nullable: false),
            CreatedAt = table.Column<DateTime>(nullable: false),
        },
        constraints: table => table.PrimaryKey("PK_LiveMessages", m => new { m.ConversationId, m.Sequence }));

    protected override void Down(MigrationBuilder migration) => migration.DropTable("LiveMessages");
}
