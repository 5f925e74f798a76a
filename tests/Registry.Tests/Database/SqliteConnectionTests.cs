using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Database;

/// <summary>
/// Microsoft.Data.Sqlite sets no busy timeout: without one, a writer that meets the write lock sleeps 150 ms on a pool
/// thread before it tries again, and concurrent uploads queue behind those sleeps. Every connection the server's
/// contexts use must carry SQLite's own busy timeout.
/// </summary>
public sealed class SqliteConnectionTests
{
    [SkippableFact]
    public async Task Every_pooled_connection_waits_for_the_write_lock_in_SQLite_for_the_default_timeout()
    {
        Skip.If(TestBackend.IsPostgresS3, "SQLite only");
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("busy");
        await server.CreateProjectAsync("busy", "app");
        await server.PublishAsync("busy/app", "pkg", "1.0.0");

        // Several contexts at once take several pooled connections; each must have been set up, not just the first.
        var scopes = Enumerable.Range(0, 4).Select(_ => server.Services.CreateScope()).ToList();
        try
        {
            var contexts = scopes.Select(s => s.ServiceProvider.GetRequiredService<RegistryDbContext>()).ToList();
            foreach (var context in contexts) await context.Database.OpenConnectionAsync();
            foreach (var connection in contexts.Select(c => (SqliteConnection)c.Database.GetDbConnection()))
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout";
                Assert.Equal(connection.DefaultTimeout * 1000L, (long)(await pragma.ExecuteScalarAsync())!);
            }
        }
        finally
        {
            foreach (var scope in scopes) scope.Dispose();
        }
    }
}
