using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddResumableUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResumableUploads",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PackageName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    PackageVersion = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    PackageStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    BlobKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    StorageState = table.Column<string>(type: "TEXT", nullable: true),
                    Assembled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LockedBy = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    PackageFileId = table.Column<long>(type: "INTEGER", nullable: true),
                    PackageId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResumableUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResumableUploads_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResumableUploads_ExpiresAt",
                table: "ResumableUploads",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ResumableUploads_Owner_State",
                table: "ResumableUploads",
                columns: new[] { "Owner", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_ResumableUploads_ProjectId",
                table: "ResumableUploads",
                column: "ProjectId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResumableUploads");
        }
    }
}
