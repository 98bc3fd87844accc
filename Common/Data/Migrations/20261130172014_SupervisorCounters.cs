using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupportChat.Common.Data.Migrations
{
    /// <inheritdoc />
    public partial class SupervisorCounters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SupervisorStats",
                columns: table => new
                {
                    SupervisorId = table.Column<string>(maxLength: 24, nullable: false),
                    ConversationsHandled = table.Column<int>(nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupervisorStats", x => x.SupervisorId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Users_Role",
                table: "Users",
                column: "Role");

            // The totals of everything closed before this release; from here on each close raises them.
            migrationBuilder.Sql(SupervisorStats.FillFromClosedConversations);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SupervisorStats");

            migrationBuilder.DropIndex(
                name: "IX_Users_Role",
                table: "Users");
        }
    }
}
