using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Upgrade;

/// <summary>
/// An upgrade keeps data: a database written by the version before the clients' migrations
/// (AddPackageStatusMessageAndFormatSettings, AddProjectAndGroupAccessTokens) keeps its settings, users and tokens, and
/// rows written before get GitLab's defaults for the new settings. On the suite's configuration's database engine.
/// </summary>
public sealed class ClientsMigrationUpgradeTests
{
    [Fact]
    public async Task A_database_of_the_last_version_migrates_and_keeps_its_rows_with_gitlabs_defaults()
    {
        var instance = Guid.NewGuid().ToString("N");
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", instance);
        Directory.CreateDirectory(dataPath);
        var settings = await TestBackend.SettingsForNewServerAsync(instance, empty: true);
        try
        {
            await using var db = Open(settings, dataPath);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("Initial");

            // What the last version wrote: a group with changed generic settings, a user with a token.
            var now = DateTime.UtcNow;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Namespaces" ("Kind", "Path", "FullPath", "FullPathKey", "Name", "Visibility", "CreatedAt")
                VALUES (0, 'old-group', 'old-group', 'old-group', 'old-group', 0, {now}), (1, 'old-user', 'old-user', 'old-user', 'old-user', 0, {now})
                """);
            var group = await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Namespaces" WHERE "Path" = 'old-group'""").SingleAsync();
            var personal = await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Namespaces" WHERE "Path" = 'old-user'""").SingleAsync();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "NamespacePackageSettings" ("NamespaceId", "GenericDuplicatesAllowed", "GenericDuplicateExceptionRegex")
                VALUES ({group}, {false}, 'foo')
                """);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Users" ("Username", "Name", "IsAdmin", "CreatedAt", "NamespaceId") VALUES ('old-user', 'Old User', {false}, {now}, {personal})
                """);
            var user = await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Users" WHERE "Username" = 'old-user'""").SingleAsync();
            var digest = TokenSecrets.Digest("glpat-old-token-of-the-last-version");
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "PersonalAccessTokens" ("Digest", "Name", "Scopes", "CreatedAt", "UserId") VALUES ({digest}, 'old', 1, {now}, {user})
                """);

            await migrator.MigrateAsync();

            var row = await db.NamespacePackageSettings.AsNoTracking().SingleAsync(s => s.NamespaceId == group);
            Assert.False(row.GenericDuplicatesAllowed);
            Assert.Equal("foo", row.GenericDuplicateExceptionRegex);
            Assert.True(row.MavenDuplicatesAllowed);
            Assert.Equal("SNAPSHOT", row.MavenDuplicateExceptionRegex);
            Assert.True(row.NugetDuplicatesAllowed);
            Assert.False(row.TerraformModuleDuplicatesAllowed);
            Assert.Null(row.MavenPackageRequestsForwarding);
            Assert.False(row.LockNpmPackageRequestsForwarding);

            var token = await db.PersonalAccessTokens.AsNoTracking().Include(t => t.User).SingleAsync(t => t.Digest == digest);
            Assert.Equal("old-user", token.User.Username);
            Assert.Equal(UserType.Human, token.User.Type);
            Assert.Null(token.User.BotProjectId);
        }
        finally
        {
            if (!TestBackend.IsPostgresS3) Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await TestBackend.DropDatabaseAsync(instance);
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A context on the configuration's engine, as the server would build it, with that engine's migrations.</summary>
    private static RegistryDbContext Open(IDictionary<string, string> settings, string dataPath) =>
        settings.TryGetValue("ConnectionStrings:Registry", out var postgres)
            ? new PostgresRegistryDbContext(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(postgres).Options)
            : new RegistryDbContext(new DbContextOptionsBuilder<RegistryDbContext>()
                .UseSqlite($"Data Source={Path.Combine(dataPath, "registry.db")}").Options);
}
