using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Upgrade;

/// <summary>
/// The UserBlockedAt migration (issue 27, item 10) keeps every user and token, and leaves them all active: a database of
/// the version before it blocks nobody. On the suite's configuration's database engine (SQLite, or PostgreSQL).
/// </summary>
public sealed class UserBlockedAtUpgradeTests
{
    [Fact]
    public async Task Users_of_the_last_version_stay_active_with_their_tokens()
    {
        var instance = Guid.NewGuid().ToString("N");
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", instance);
        Directory.CreateDirectory(dataPath);
        var settings = await TestBackend.SettingsForNewServerAsync(instance, empty: true);
        try
        {
            await using var db = Open(settings, dataPath);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("AddResumableUploads");

            var now = DateTime.UtcNow;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Namespaces" ("Kind", "Path", "FullPath", "FullPathKey", "Name", "Visibility", "CreatedAt")
                VALUES (1, 'old-user', 'old-user', 'old-user', 'old-user', 0, {now})
                """);
            var personal = await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Namespaces" WHERE "Path" = 'old-user'""").SingleAsync();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Users" ("Username", "Name", "IsAdmin", "CreatedAt", "NamespaceId", "Type") VALUES ('old-user', 'Old User', {false}, {now}, {personal}, 0)
                """);
            var user = await db.Database.SqlQuery<long>($"""SELECT "Id" AS "Value" FROM "Users" WHERE "Username" = 'old-user'""").SingleAsync();
            var digest = TokenSecrets.Digest("glpat-old-token-before-blocking");
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "PersonalAccessTokens" ("Digest", "Name", "Scopes", "CreatedAt", "UserId") VALUES ({digest}, 'old', 1, {now}, {user})
                """);

            await migrator.MigrateAsync();

            var token = await db.PersonalAccessTokens.AsNoTracking().Include(t => t.User).SingleAsync(t => t.Digest == digest);
            Assert.Equal("old-user", token.User.Username);
            Assert.Null(token.User.BlockedAt);
            Assert.False(token.User.IsBlocked);
            Assert.Null(token.RevokedAt);
        }
        finally
        {
            if (!TestBackend.IsPostgresS3) Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await TestBackend.DropDatabaseAsync(instance);
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { }
        }
    }

    private static RegistryDbContext Open(IDictionary<string, string> settings, string dataPath) =>
        settings.TryGetValue("ConnectionStrings:Registry", out var postgres)
            ? new PostgresRegistryDbContext(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(postgres).Options)
            : new RegistryDbContext(new DbContextOptionsBuilder<RegistryDbContext>()
                .UseSqlite($"Data Source={Path.Combine(dataPath, "registry.db")}").Options);
}
