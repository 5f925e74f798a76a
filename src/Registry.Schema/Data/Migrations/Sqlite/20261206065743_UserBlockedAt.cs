using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserBlockedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "BlockedAt",
                table: "Users",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BlockedAt",
                table: "Users");
        }
    }
}
