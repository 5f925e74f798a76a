using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Registry.Schema.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddPackageStatusMessageAndFormatSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows written before this migration get GitLab's defaults for the new settings: duplicates allowed for
            // Maven and NuGet, Maven's exception regex "SNAPSHOT" (the model sets the same on new rows).
            migrationBuilder.AddColumn<string>(
                name: "StatusMessage",
                table: "Packages",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LockMavenPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "LockNpmPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "LockPypiPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "MavenDuplicateExceptionRegex",
                table: "NamespacePackageSettings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MavenDuplicatesAllowed",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "MavenPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NpmPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NugetDuplicateExceptionRegex",
                table: "NamespacePackageSettings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NugetDuplicatesAllowed",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "NugetSymbolServerEnabled",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PypiPackageRequestsForwarding",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TerraformModuleDuplicateExceptionRegex",
                table: "NamespacePackageSettings",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "TerraformModuleDuplicatesAllowed",
                table: "NamespacePackageSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("UPDATE \"NamespacePackageSettings\" SET \"MavenDuplicateExceptionRegex\" = 'SNAPSHOT'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StatusMessage",
                table: "Packages");

            migrationBuilder.DropColumn(
                name: "LockMavenPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "LockNpmPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "LockPypiPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "MavenDuplicateExceptionRegex",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "MavenDuplicatesAllowed",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "MavenPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "NpmPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "NugetDuplicateExceptionRegex",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "NugetDuplicatesAllowed",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "NugetSymbolServerEnabled",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "PypiPackageRequestsForwarding",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "TerraformModuleDuplicateExceptionRegex",
                table: "NamespacePackageSettings");

            migrationBuilder.DropColumn(
                name: "TerraformModuleDuplicatesAllowed",
                table: "NamespacePackageSettings");
        }
    }
}
