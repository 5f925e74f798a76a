using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HookDeliveryQueueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebHookDeliveries_State_NextAttemptAt_Id",
                table: "WebHookDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_WebHookDeliveries_HookId_State_Id",
                table: "WebHookDeliveries",
                columns: new[] { "HookId", "State", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebHookDeliveries_HookId_State_Id",
                table: "WebHookDeliveries");

            migrationBuilder.CreateIndex(
                name: "IX_WebHookDeliveries_State_NextAttemptAt_Id",
                table: "WebHookDeliveries",
                columns: new[] { "State", "NextAttemptAt", "Id" });
        }
    }
}
