using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddPackageLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ContentBlobId",
                table: "PackageFiles",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AuthorId = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    TokenKind = table.Column<int>(type: "INTEGER", nullable: false),
                    TokenId = table.Column<long>(type: "INTEGER", nullable: true),
                    EntityType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    EntityId = table.Column<long>(type: "INTEGER", nullable: false),
                    EntityPath = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    NamespaceId = table.Column<long>(type: "INTEGER", nullable: true),
                    EventName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TargetType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    TargetId = table.Column<long>(type: "INTEGER", nullable: true),
                    TargetDetails = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Details = table.Column<string>(type: "TEXT", nullable: true),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ContentBlobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    StorageKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DeletingSince = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ContentBlobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DatabaseLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DatabaseLeases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "PackageProtectionRules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageType = table.Column<int>(type: "INTEGER", nullable: false),
                    PackageNamePattern = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    MinimumAccessLevelForPush = table.Column<int>(type: "INTEGER", nullable: true),
                    MinimumAccessLevelForDelete = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageProtectionRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PackageProtectionRules_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PackageRetentionRules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageNamePattern = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ExcludePackageNamePattern = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ExcludeVersionPattern = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    OlderThanDays = table.Column<int>(type: "INTEGER", nullable: true),
                    KeepNewestVersions = table.Column<int>(type: "INTEGER", nullable: true),
                    NotDownloadedForDays = table.Column<int>(type: "INTEGER", nullable: true),
                    PackageStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    DeleteNewestVersion = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageRetentionRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PackageRetentionRules_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PackagesCleanupPolicies",
                columns: table => new
                {
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    KeepNDuplicatedPackageFiles = table.Column<int>(type: "INTEGER", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackagesCleanupPolicies", x => x.ProjectId);
                    table.ForeignKey(
                        name: "FK_PackagesCleanupPolicies_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_BlobKey",
                table: "PackageFiles",
                column: "BlobKey");

            migrationBuilder.CreateIndex(
                name: "IX_PackageFiles_ContentBlobId",
                table: "PackageFiles",
                column: "ContentBlobId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_NamespaceId",
                table: "AuditEvents",
                column: "NamespaceId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_ProjectId",
                table: "AuditEvents",
                column: "ProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ContentBlobs_Sha256",
                table: "ContentBlobs",
                column: "Sha256",
                unique: true,
                filter: "\"State\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_ContentBlobs_State",
                table: "ContentBlobs",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_ContentBlobs_StorageKey",
                table: "ContentBlobs",
                column: "StorageKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PackageProtectionRules_ProjectId_PackageType_PackageNamePattern",
                table: "PackageProtectionRules",
                columns: new[] { "ProjectId", "PackageType", "PackageNamePattern" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PackageRetentionRules_NextRunAt",
                table: "PackageRetentionRules",
                column: "NextRunAt");

            migrationBuilder.CreateIndex(
                name: "IX_PackageRetentionRules_ProjectId",
                table: "PackageRetentionRules",
                column: "ProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_PackagesCleanupPolicies_NextRunAt",
                table: "PackagesCleanupPolicies",
                column: "NextRunAt");

            migrationBuilder.AddForeignKey(
                name: "FK_PackageFiles_ContentBlobs_ContentBlobId",
                table: "PackageFiles",
                column: "ContentBlobId",
                principalTable: "ContentBlobs",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_PackageFiles_ContentBlobs_ContentBlobId",
                table: "PackageFiles");

            migrationBuilder.DropTable(
                name: "AuditEvents");

            migrationBuilder.DropTable(
                name: "ContentBlobs");

            migrationBuilder.DropTable(
                name: "DatabaseLeases");

            migrationBuilder.DropTable(
                name: "PackageProtectionRules");

            migrationBuilder.DropTable(
                name: "PackageRetentionRules");

            migrationBuilder.DropTable(
                name: "PackagesCleanupPolicies");

            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_BlobKey",
                table: "PackageFiles");

            migrationBuilder.DropIndex(
                name: "IX_PackageFiles_ContentBlobId",
                table: "PackageFiles");

            migrationBuilder.DropColumn(
                name: "ContentBlobId",
                table: "PackageFiles");
        }
    }
}
