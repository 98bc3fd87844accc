using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SupportChat.Common.Data.Migrations
{
    /// <summary>
    /// Live transcripts are checkpointed as one row per checkpoint (<see cref="TranscriptJournalEntry"/>) instead of
    /// one row per message. The messages the previous release checkpointed move into one journal row, in the
    /// journal's JSON format (Realtime/TranscriptJournal.cs), built in SQL on each provider.
    /// </summary>
    public partial class TranscriptJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TranscriptJournal",
                columns: table => new
                {
                    Id = table.Column<long>(nullable: false)
                        .Annotation("Sqlite:Autoincrement", true)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WrittenAt = table.Column<DateTime>(nullable: false),
                    Payload = table.Column<byte[]>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TranscriptJournal", x => x.Id);
                });

            migrationBuilder.Sql(migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL" ? MoveToJournalPostgres : MoveToJournalSqlite);

            migrationBuilder.DropTable(
                name: "LiveMessages");
        }

        // One run per conversation, its messages in sequence order; no row at all when nothing was checkpointed.
        const string MoveToJournalSqlite = """
            INSERT INTO "TranscriptJournal" ("WrittenAt", "Payload")
            SELECT strftime('%Y-%m-%d %H:%M:%f', 'now'), CAST(json_group_array(json("Run")) AS BLOB)
            FROM (SELECT json_object('conversationId', "ConversationId", 'firstSequence', MIN("Sequence"),
                    'messages', json_group_array(json_object('senderId', "SenderId", 'senderRole', "SenderRole", 'content', "Content",
                        'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', "CreatedAt")) ORDER BY "Sequence")) AS "Run"
                  FROM "LiveMessages" GROUP BY "ConversationId")
            HAVING count(*) > 0;
            """;

        const string MoveToJournalPostgres = """
            INSERT INTO "TranscriptJournal" ("WrittenAt", "Payload")
            SELECT now(), convert_to(json_agg("Run")::text, 'UTF8')
            FROM (SELECT json_build_object('conversationId', "ConversationId", 'firstSequence', MIN("Sequence"),
                    'messages', json_agg(json_build_object('senderId', "SenderId", 'senderRole', "SenderRole", 'content', "Content",
                        'createdAt', to_char("CreatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY "Sequence")) AS "Run"
                  FROM "LiveMessages" GROUP BY "ConversationId") AS runs
            HAVING count(*) > 0;
            """;

        /// <inheritdoc />
        /// <remarks>Leaves LiveMessages empty: a downgrade loses the live messages checkpointed since this migration.</remarks>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TranscriptJournal");

            migrationBuilder.CreateTable(
                name: "LiveMessages",
                columns: table => new
                {
                    ConversationId = table.Column<string>(maxLength: 24, nullable: false),
                    Sequence = table.Column<int>(nullable: false),
                    Content = table.Column<string>(nullable: false),
                    CreatedAt = table.Column<DateTime>(nullable: false),
                    SenderId = table.Column<string>(maxLength: 24, nullable: false),
                    SenderRole = table.Column<string>(maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LiveMessages", x => new { x.ConversationId, x.Sequence });
                });
        }
    }
}
