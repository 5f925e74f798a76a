using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// Deleting a hook while the dispatcher records one of its deliveries. On PostgreSQL the two take the same rows in
/// opposite orders (the deletion the hook, then its deliveries by the cascade; the dispatcher the delivery, then the
/// hook's failure count), so they can deadlock, and PostgreSQL aborts one of them. A full run once answered the
/// deletion with a 500 this way; the deletion must run again instead.
/// </summary>
public sealed class HookDeletionRaceTests
{
    [SkippableFact]
    public async Task A_hook_deleted_while_its_delivery_is_recorded_is_deleted_even_when_postgresql_picks_the_deletion_to_break_a_deadlock()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "SQLite runs one writing transaction at a time: nothing to deadlock");
        using var arrived = new SemaphoreSlim(0);
        using var answer = new ManualResetEventSlim();
        await using var receiver = await HookReceiver.StartedAsync();
        // The receiver holds the test delivery until the test has its lock in place; a 500 makes the dispatcher count
        // a failure on the hook's row.
        receiver.Answer = _ =>
        {
            arrived.Release();
            answer.Wait(TimeSpan.FromSeconds(30));
            return 500;
        };
        await using var server = await RegistryServer.StartAsync(HookFixture.FastHooks);
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("race");
        await server.CreateProjectAsync("race", "app");
        using var root = server.Client(RegistryServer.RootToken);
        const string hooks = "/api/v4/projects/race%2Fapp/hooks";
        long hookId;
        using (var created = await root.PostAsJsonAsync(hooks, new { url = receiver.Url, package_events = true }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            hookId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        }
        using (var test = await root.PostAsync($"{hooks}/{hookId}/test/package_events", null))
            Assert.Equal(HttpStatusCode.Created, test.StatusCode);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(30)), "the test delivery never reached the receiver");

        // The order that deadlocks, made certain: the test locks the delivery, the dispatcher's record waits for it,
        // the deletion takes the hook and waits for the delivery behind the dispatcher. When the test lets go, the
        // dispatcher takes the delivery and waits for the hook: a cycle, and the deletion, waiting longest, is aborted.
        var connection = TestBackend.SettingsForExistingServer(server.Instance)["ConnectionStrings:Registry"];
        await using var locker = new NpgsqlConnection(connection);
        await locker.OpenAsync();
        await using var lockTransaction = await locker.BeginTransactionAsync();
        await using (var lockDelivery = new NpgsqlCommand("""SELECT 1 FROM "WebHookDeliveries" WHERE "HookId" = @hook FOR UPDATE""", locker, lockTransaction))
        {
            lockDelivery.Parameters.AddWithValue("hook", hookId);
            await lockDelivery.ExecuteNonQueryAsync();
        }
        answer.Set();
        await WaitersAsync(connection, 1, "the dispatcher's record waiting for the delivery's row");
        var deletion = root.DeleteAsync($"{hooks}/{hookId}");
        await WaitersAsync(connection, 2, "the deletion waiting for the delivery's row too");
        await lockTransaction.CommitAsync();

        using var deleted = await deletion;
        Assert.True(deleted.StatusCode == HttpStatusCode.NoContent, $"{(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}");
        using var gone = await root.GetAsync($"{hooks}/{hookId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static Task WaitersAsync(string connection, int count, string what) => Eventually.HoldsAsync(async () =>
    {
        await using var look = new NpgsqlConnection(connection);
        await look.OpenAsync();
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", look);
        return (long)(await waiting.ExecuteScalarAsync())! >= count;
    }, what);
}
