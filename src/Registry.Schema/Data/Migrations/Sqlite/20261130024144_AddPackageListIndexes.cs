using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddPackageListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_Status",
                table: "PackageFiles");

            migrationBuilder.CreateTable(
                name: "PackageCounts",
                columns: table => new
                {
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageCounts", x => new { x.ProjectId, x.Name, x.Status });
                    table.ForeignKey(
                        name: "FK_PackageCounts_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // PackageCounts stays exact whatever writes the packages table: these triggers count every insert, delete
            // (foreign-key cascades included) and change of project, name or status. Existing packages are counted once.
            migrationBuilder.Sql(@"
CREATE TRIGGER ""TR_Packages_Count_Insert"" AFTER INSERT ON ""Packages"" BEGIN
    INSERT INTO ""PackageCounts"" (""ProjectId"", ""Name"", ""Status"", ""Count"") VALUES (NEW.""ProjectId"", NEW.""Name"", NEW.""Status"", 1)
    ON CONFLICT (""ProjectId"", ""Name"", ""Status"") DO UPDATE SET ""Count"" = ""Count"" + 1;
END;");
            migrationBuilder.Sql(@"
CREATE TRIGGER ""TR_Packages_Count_Delete"" AFTER DELETE ON ""Packages"" BEGIN
    UPDATE ""PackageCounts"" SET ""Count"" = ""Count"" - 1
    WHERE ""ProjectId"" = OLD.""ProjectId"" AND ""Name"" = OLD.""Name"" AND ""Status"" = OLD.""Status"";
END;");
            migrationBuilder.Sql(@"
CREATE TRIGGER ""TR_Packages_Count_Update"" AFTER UPDATE OF ""ProjectId"", ""Name"", ""Status"" ON ""Packages""
WHEN OLD.""ProjectId"" <> NEW.""ProjectId"" OR OLD.""Name"" <> NEW.""Name"" OR OLD.""Status"" <> NEW.""Status"" BEGIN
    UPDATE ""PackageCounts"" SET ""Count"" = ""Count"" - 1
    WHERE ""ProjectId"" = OLD.""ProjectId"" AND ""Name"" = OLD.""Name"" AND ""Status"" = OLD.""Status"";
    INSERT INTO ""PackageCounts"" (""ProjectId"", ""Name"", ""Status"", ""Count"") VALUES (NEW.""ProjectId"", NEW.""Name"", NEW.""Status"", 1)
    ON CONFLICT (""ProjectId"", ""Name"", ""Status"") DO UPDATE SET ""Count"" = ""Count"" + 1;
END;");
            migrationBuilder.Sql(@"
INSERT INTO ""PackageCounts"" (""ProjectId"", ""Name"", ""Status"", ""Count"")
SELECT ""ProjectId"", ""Name"", ""Status"", COUNT(*) FROM ""Packages"" GROUP BY ""ProjectId"", ""Name"", ""Status"";");

            migrationBuilder.CreateIndex(
                name: "IX_Packages_ProjectId_CreatedAt_Id_Status",
                table: "Packages",
                columns: new[] { "ProjectId", "CreatedAt", "Id", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Packages_ProjectId_Name_Id_Status",
                table: "Packages",
                columns: new[] { "ProjectId", "Name", "Id", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Packages_ProjectId_PackageType_Id_Status",
                table: "Packages",
                columns: new[] { "ProjectId", "PackageType", "Id", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Packages_ProjectId_Version_Id_Status",
                table: "Packages",
                columns: new[] { "ProjectId", "Version", "Id", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_Status_PackageId",
                table: "PackageFiles",
                columns: new[] { "Status", "PackageId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER ""TR_Packages_Count_Insert"";");
            migrationBuilder.Sql(@"DROP TRIGGER ""TR_Packages_Count_Delete"";");
            migrationBuilder.Sql(@"DROP TRIGGER ""TR_Packages_Count_Update"";");

            migrationBuilder.DropTable(
                name: "PackageCounts");

            migrationBuilder.DropIndex(
                name: "IX_Packages_ProjectId_CreatedAt_Id_Status",
                table: "Packages");

            migrationBuilder.DropIndex(
                name: "IX_Packages_ProjectId_Name_Id_Status",
                table: "Packages");

            migrationBuilder.DropIndex(
                name: "IX_Packages_ProjectId_PackageType_Id_Status",
                table: "Packages");

            migrationBuilder.DropIndex(
                name: "IX_Packages_ProjectId_Version_Id_Status",
                table: "Packages");

            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_Status_PackageId",
                table: "PackageFiles");

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_Status",
                table: "PackageFiles",
                column: "Status");
        }
    }
}
