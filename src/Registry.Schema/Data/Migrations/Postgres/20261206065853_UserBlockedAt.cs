using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
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
