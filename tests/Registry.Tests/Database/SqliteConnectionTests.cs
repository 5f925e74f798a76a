using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Database;

/// <summary>
/// Microsoft.Data.Sqlite sets no busy timeout: without one, a writer that meets the write lock sleeps 150 ms on a pool
/// thread before it tries again, and concurrent uploads queue behind those sleeps. Every connection the server's
/// contexts use must carry SQLite's own busy timeout, and flush every commit to disk.
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

        Assert.All(await PragmaOfPooledConnectionsAsync(server, "busy_timeout"), c => Assert.Equal(c.DefaultTimeoutMs, c.Value));
    }

    /// <summary>
    /// A tus PATCH takes its lease with a commit that is not flushed to disk (synchronous = NORMAL for that statement):
    /// the connection must go back to the pool flushing every commit again, or later uploads would be acknowledged
    /// before they are on disk.
    /// </summary>
    [SkippableFact]
    public async Task Every_pooled_connection_flushes_each_commit_after_tus_patches_took_their_leases()
    {
        Skip.If(TestBackend.IsPostgresS3, "SQLite only");
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("sync");
        var project = await server.CreateProjectAsync("sync", "app");
        using var client = server.Client(RegistryServer.RootToken);
        using var created = await client.SendAsync(TusRequests.Create(Publishing.Url(project, "pkg", "1.0.0", "f.bin"), 30));
        var location = created.Headers.Location!.PathAndQuery;
        for (var offset = 0; offset < 30; offset += 10)
        {
            using var patched = await client.SendAsync(TusRequests.Patch(location, offset, new byte[10]));
            Assert.Equal(System.Net.HttpStatusCode.NoContent, patched.StatusCode);
        }

        Assert.All(await PragmaOfPooledConnectionsAsync(server, "synchronous"), c => Assert.Equal(2L, c.Value)); // FULL
    }

    /// <summary>
    /// The webhook dispatcher's claims, fan-outs and recorded attempts commit without a flush (one lost in a power cut is
    /// sent again); the connections it used must go back to the pool flushing every commit again.
    /// </summary>
    [SkippableFact]
    public async Task Every_pooled_connection_flushes_each_commit_after_webhook_deliveries_were_recorded()
    {
        Skip.If(TestBackend.IsPostgresS3, "SQLite only");
        await using var server = await RegistryServer.StartAsync(Hooks.HookFixture.FastHooks);
        await Hooks.HookFixture.AllowLocalAsync(server, true);
        await using var receiver = await Hooks.HookReceiver.StartedAsync();
        await server.CreateGroupAsync("synch");
        var project = await server.CreateProjectAsync("synch", "app");
        using var client = server.Client(RegistryServer.RootToken);
        using var created = await client.PostAsJsonAsync($"/api/v4/projects/{project}/hooks", new { url = receiver.Url, package_events = true });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var hookId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        for (var i = 0; i < 3; i++) await server.PublishAsync(project, "pkg", "1.0.0", $"f{i}.bin");
        await Eventually.ReturnsAsync(
            () => client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v4/projects/{project}/hooks/{hookId}/events"),
            events => events.GetArrayLength() == 3 && events.EnumerateArray().All(e => e.GetProperty("state").GetString() == "delivered"),
            "three deliveries recorded as delivered");

        Assert.All(await PragmaOfPooledConnectionsAsync(server, "synchronous"), c => Assert.Equal(2L, c.Value)); // FULL
    }

    /// <summary>
    /// A pragma's value on the pooled connections: many contexts at once take every idle one (the pool hands them out in
    /// no set order) and open new ones; each must have been set up, not just the first.
    /// </summary>
    private static async Task<List<(long DefaultTimeoutMs, long Value)>> PragmaOfPooledConnectionsAsync(RegistryServer server, string pragma)
    {
        var scopes = Enumerable.Range(0, 32).Select(_ => server.Services.CreateScope()).ToList();
        try
        {
            var contexts = scopes.Select(s => s.ServiceProvider.GetRequiredService<RegistryDbContext>()).ToList();
            foreach (var context in contexts) await context.Database.OpenConnectionAsync();
            var values = new List<(long, long)>();
            foreach (var connection in contexts.Select(c => (SqliteConnection)c.Database.GetDbConnection()))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA " + pragma;
                values.Add((connection.DefaultTimeout * 1000L, (long)(await command.ExecuteScalarAsync())!));
            }
            return values;
        }
        finally
        {
            foreach (var scope in scopes) scope.Dispose();
        }
    }
}
