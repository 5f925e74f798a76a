using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddWebHooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApplicationSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    AllowLocalRequestsFromWebHooksAndServices = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApplicationSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PackageEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    NamespaceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FannedOutAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimToken = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PackageEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebHooks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    GroupId = table.Column<long>(type: "INTEGER", nullable: true),
                    Uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    PackageEvents = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnableSslVerification = table.Column<bool>(type: "INTEGER", nullable: false),
                    EncryptedToken = table.Column<string>(type: "TEXT", nullable: true),
                    EncryptedSigningSecret = table.Column<string>(type: "TEXT", nullable: false),
                    EncryptedCustomHeaders = table.Column<string>(type: "TEXT", nullable: true),
                    CustomHeaderNames = table.Column<string>(type: "TEXT", nullable: true),
                    AlertStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    DisabledUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RecentFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    BackoffCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebHooks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebHooks_Namespaces_GroupId",
                        column: x => x.GroupId,
                        principalTable: "Namespaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WebHooks_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebHookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    HookId = table.Column<long>(type: "INTEGER", nullable: false),
                    EventId = table.Column<long>(type: "INTEGER", nullable: true),
                    Uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventUuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    IsTest = table.Column<bool>(type: "INTEGER", nullable: false),
                    RequestBody = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClaimToken = table.Column<Guid>(type: "TEXT", nullable: true),
                    ResponseStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    ResponseHeaders = table.Column<string>(type: "TEXT", nullable: true),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: true),
                    RequestHeaders = table.Column<string>(type: "TEXT", nullable: true),
                    ExecutionDuration = table.Column<double>(type: "REAL", nullable: true),
                    InternalError = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebHookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebHookDeliveries_WebHooks_HookId",
                        column: x => x.HookId,
                        principalTable: "WebHooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PackageEvents_CreatedAt",
                table: "PackageEvents",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_PackageEvents_FannedOutAt_Id",
                table: "PackageEvents",
                columns: new[] { "FannedOutAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebHookDeliveries_CreatedAt",
                table: "WebHookDeliveries",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_WebHookDeliveries_HookId_Id",
                table: "WebHookDeliveries",
                columns: new[] { "HookId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebHookDeliveries_State_NextAttemptAt_Id",
                table: "WebHookDeliveries",
                columns: new[] { "State", "NextAttemptAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WebHooks_GroupId",
                table: "WebHooks",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_WebHooks_ProjectId",
                table: "WebHooks",
                column: "ProjectId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApplicationSettings");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "PackageEvents");

            migrationBuilder.DropTable(
                name: "WebHookDeliveries");

            migrationBuilder.DropTable(
                name: "WebHooks");
        }
    }
}
