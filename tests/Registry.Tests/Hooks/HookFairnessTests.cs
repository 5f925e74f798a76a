using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Caching;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// Hooks whose receivers never answer neither crowd a healthy hook out of the dispatcher's rounds nor make it wait for
/// their timeouts, and deliveries give way to uploads (issue 24: "publishing never waits on a receiver", with some of
/// 10 hooks slow or down, at the upload rate of no hooks).
/// </summary>
public sealed class HookFairnessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_healthy_hook_gets_every_event_promptly_while_older_hooks_stall_to_their_timeout()
    {
        // A black hole: the kernel accepts connections into the backlog, nobody reads or answers, each send times out.
        var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        await using var healthy = await HookReceiver.StartedAsync();
        await using var server = await RegistryServer.StartAsync(
            new Dictionary<string, string>(HookFixture.FastHooks) { ["Registry:Hooks:Timeout"] = Timeout.ToString() });
        try
        {
            await HookFixture.AllowLocalAsync(server, true);
            await server.CreateGroupAsync("fair");
            await server.CreateProjectAsync("fair", "app");
            using var client = server.Client(RegistryServer.RootToken);
            // The stalling hooks come first, so their deliveries have the lower ids of every event.
            var stalling = $"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}/hook";
            for (var i = 0; i < 10; i++)
                using (var r = await client.PostAsJsonAsync("/api/v4/projects/fair%2Fapp/hooks", new { url = stalling, token = $"stall-{i}" }))
                    Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            using (var r = await client.PostAsJsonAsync("/api/v4/projects/fair%2Fapp/hooks", new { url = healthy.Url, token = "healthy" }))
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);

            const int count = 12;
            for (var i = 0; i < count; i++) await server.PublishAsync("fair/app", "pkg", "1.0.0", $"f{i:D2}.txt", $"content {i}");
            var published = Stopwatch.StartNew();
            await Eventually.HoldsAsync(() => healthy.Received.Count >= count, "every event at the healthy hook");
            // A round that waited for the stalled sends would take the timeout at least once more.
            Assert.True(published.Elapsed < Timeout / 2,
                $"the healthy hook got its {count} events {published.Elapsed.TotalSeconds:F1} s after the last publish");
            var files = healthy.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("package_file").GetProperty("file_name").GetString()).ToList();
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"f{i:D2}.txt"), files); // in order, each once
        }
        finally
        {
            blackHole.Stop();
        }
    }

    /// <summary>
    /// Every upload to a project with hooks writes an event, and the dispatcher writes deliveries, attempts and the hooks'
    /// failure counts all the time: none of it may end the cached tokens and access (bench/hooks-upload.sh: it did, and
    /// each upload beside hooks read its token, access and rules afresh, doubling its CPU).
    /// </summary>
    [Fact]
    public async Task Events_deliveries_and_failing_hooks_leave_the_cached_tokens_and_access_alone()
    {
        await using var answering = await HookReceiver.StartedAsync();
        await using var failing = await HookReceiver.StartedAsync();
        failing.Answer = _ => 500;
        await using var server = await RegistryServer.StartAsync(HookFixture.FastHooks);
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("cached");
        await server.CreateProjectAsync("cached", "app");
        using var client = server.Client(RegistryServer.RootToken);
        foreach (var (url, token) in new[] { (answering.Url, "answering"), (failing.Url, "failing") })
            using (var r = await client.PostAsJsonAsync("/api/v4/projects/cached%2Fapp/hooks", new { url, token }))
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var cache = server.Services.GetRequiredService<HotPathCache>();
        var before = cache.IdentityEpoch;

        const int count = 5;
        for (var i = 0; i < count; i++) await server.PublishAsync("cached/app", "pkg", "1.0.0", $"f{i}.txt", $"content {i}");
        // The failing hook's attempts are recorded, retried and counted until it is disabled for a while.
        await Eventually.HoldsAsync(() => answering.Received.Count >= count && failing.Received.Count >= 4,
            "every event at the answering hook, and four failed attempts at the other");
        Assert.Equal(before, cache.IdentityEpoch);
    }

    [Fact]
    public async Task Deliveries_wait_behind_an_upload_in_flight_at_their_configured_pace_and_catch_up_once_it_ends()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        await using var server = await RegistryServer.StartAsync(
            new Dictionary<string, string>(HookFixture.FastHooks) { ["Registry:Hooks:DeliveriesPerSecondWhileUploading"] = "1" });
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("paced");
        await server.CreateProjectAsync("paced", "app");
        using var client = server.Client(RegistryServer.RootToken);
        using (var r = await client.PostAsJsonAsync("/api/v4/projects/paced%2Fapp/hooks", new { url = receiver.Url, token = "paced" }))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        // An upload held in flight (a slow client), then events published beside it.
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = client.PutAsync(Publishing.Url("paced/app", "big", "1.0.0", "big.bin"), new PausingContent(16 * 1024 * 1024, halfSent, goOn));
        try
        {
            await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var holding = Stopwatch.StartNew();
            const int count = 20;
            for (var i = 0; i < count; i++) await server.PublishAsync("paced/app", "pkg", "1.0.0", $"f{i:D2}.txt", $"content {i}");
            await Eventually.HoldsAsync(() => !receiver.Received.IsEmpty, "deliveries go on, slowly, while the upload is in flight");
            await Task.Delay(TimeSpan.FromSeconds(2));
            // One a second: far fewer than the twenty an unpaced dispatcher sends at once.
            var sent = receiver.Received.Count;
            Assert.True(sent <= holding.Elapsed.TotalSeconds + 2 && sent < count,
                $"{sent} deliveries in {holding.Elapsed.TotalSeconds:F1} s while an upload was in flight, at 1 a second");
        }
        finally
        {
            goOn.TrySetResult();
        }
        using (var response = await held) Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ended = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => receiver.Received.Count >= 21, "every event once the upload ended");
        Assert.True(ended.Elapsed < TimeSpan.FromSeconds(3), $"the waiting deliveries took {ended.Elapsed.TotalSeconds:F1} s after the upload ended");
        var files = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("package_file").GetProperty("file_name").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"f{i:D2}.txt").Append("big.bin"), files); // in order, each once
    }

    /// <summary>
    /// While uploads are in flight a round fans out as many events as make the deliveries the pace sends in a round: with
    /// five hooks, a fifth as many events as deliveries. Sized in events, each round wrote five times the rows it could
    /// send, in the database the uploads write to.
    /// </summary>
    [Fact]
    public async Task While_an_upload_is_in_flight_a_round_fans_out_the_deliveries_the_pace_sends_not_as_many_events()
    {
        await using var receiver = await HookReceiver.StartedAsync();
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>(HookFixture.FastHooks)
        {
            ["Registry:Hooks:PollInterval"] = "00:00:01",
            ["Registry:Hooks:DeliveriesPerSecondWhileUploading"] = "5",
        });
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("fan");
        await server.CreateProjectAsync("fan", "app");
        using var client = server.Client(RegistryServer.RootToken);
        const int hooks = 5, events = 40, perRound = 5;
        for (var i = 0; i < hooks; i++)
            using (var r = await client.PostAsJsonAsync("/api/v4/projects/fan%2Fapp/hooks", new { url = $"{receiver.Url}?hook={i}" }))
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = client.PutAsync(Publishing.Url("fan/app", "big", "1.0.0", "big.bin"), new PausingContent(1024 * 1024, halfSent, goOn));
        try
        {
            await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var holding = Stopwatch.StartNew();
            for (var i = 0; i < events; i++) await server.PublishAsync("fan/app", "pkg", "1.0.0", $"f{i:D2}.txt", $"content {i}");
            await Task.Delay(TimeSpan.FromSeconds(4));
            var written = await DeliveriesAsync(server);
            // The first round knows no deliveries per event yet and takes one event per delivery of the pace; every round
            // after takes what makes the pace's deliveries. Two rounds more than the seconds held: one under way at the
            // start, one at the end.
            var allowed = perRound * hooks + perRound * (holding.Elapsed.TotalSeconds + 2);
            Assert.True(written > 0, "nothing was fanned out while the upload was in flight");
            Assert.True(written <= allowed,
                $"{written} deliveries written in {holding.Elapsed.TotalSeconds:F1} s while an upload was in flight, at most {allowed:F0} at {perRound} a second");
        }
        finally
        {
            goOn.TrySetResult();
        }
        using (var response = await held) Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Eventually.HoldsAsync(async () => await DeliveriesAsync(server) == (events + 1) * hooks, "every event fanned out to every hook once the upload ended");
    }

    private static async Task<int> DeliveriesAsync(RegistryServer server)
    {
        using var scope = server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().WebHookDeliveries.CountAsync();
    }
}
