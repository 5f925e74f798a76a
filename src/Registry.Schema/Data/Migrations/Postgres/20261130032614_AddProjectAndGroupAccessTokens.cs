using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddProjectAndGroupAccessTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BotGroupId",
                table: "Users",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "BotProjectId",
                table: "Users",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Type",
                table: "Users",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Users_BotGroupId",
                table: "Users",
                column: "BotGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_Users_BotProjectId",
                table: "Users",
                column: "BotProjectId");

            migrationBuilder.AddForeignKey(
                name: "FK_Users_Namespaces_BotGroupId",
                table: "Users",
                column: "BotGroupId",
                principalTable: "Namespaces",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_Users_Projects_BotProjectId",
                table: "Users",
                column: "BotProjectId",
                principalTable: "Projects",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Users_Namespaces_BotGroupId",
                table: "Users");

            migrationBuilder.DropForeignKey(
                name: "FK_Users_Projects_BotProjectId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_BotGroupId",
                table: "Users");

            migrationBuilder.DropIndex(
                name: "IX_Users_BotProjectId",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "BotGroupId",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "BotProjectId",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "Type",
                table: "Users");
        }
    }
}
