using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Server.Hosting;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.ScaleOut;

/// <summary>Instances that start together on one empty database: exactly one creates root, none fails (the bootstrap
/// is the part of the start-up that races; the migrations hold EF Core's migration lock).</summary>
public sealed class ConcurrentStartTests
{
    [Fact]
    public async Task Eight_bootstraps_racing_on_one_empty_database_create_one_root_and_none_fails()
    {
        var instance = Guid.NewGuid().ToString("N");
        var dataPath = Path.Combine(Path.GetTempPath(), "registry-tests", instance);
        // Built, not started: starting would bootstrap root, which is what the racers below do.
        await using var app = RegistryApplication.Build(
            RegistryServer.Arguments(dataPath, await TestBackend.SettingsForNewServerAsync(instance, empty: true)));
        try
        {
            using (var scope = app.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Database.MigrateAsync();

            // Each "instance" has its own scope, so its own DbContext and connection; they all find no users and race.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                using var scope = app.Services.CreateScope();
                var admin = scope.ServiceProvider.GetRequiredService<IdentityAdmin>();
                await start.Task;
                return await admin.BootstrapAsync(null, CancellationToken.None);
            })).ToList();
            start.SetResult();
            var results = await Task.WhenAll(racers);

            Assert.Single(results, token => token is not null);
            using var check = app.Services.CreateScope();
            var db = check.ServiceProvider.GetRequiredService<RegistryDbContext>();
            Assert.Equal(1, await db.Users.CountAsync(u => u.Username == "root"));
            Assert.Equal(1, await db.PersonalAccessTokens.CountAsync());
        }
        finally
        {
            await TestBackend.DropDatabaseAsync(instance);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataPath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
