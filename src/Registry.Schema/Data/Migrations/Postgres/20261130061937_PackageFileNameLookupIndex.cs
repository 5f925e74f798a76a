using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PackageFileNameLookupIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_PackageId_FileName",
                table: "PackageFiles");

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_PackageId_FileName_Status",
                table: "PackageFiles",
                columns: new[] { "PackageId", "FileName", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_PackageId_FileName_Status",
                table: "PackageFiles");

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_PackageId_FileName",
                table: "PackageFiles",
                columns: new[] { "PackageId", "FileName" });
        }
    }
}
