using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PackageEventsWithoutCreatedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PackageEvents_CreatedAt",
                table: "PackageEvents");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_PackageEvents_CreatedAt",
                table: "PackageEvents",
                column: "CreatedAt");
        }
    }
}
