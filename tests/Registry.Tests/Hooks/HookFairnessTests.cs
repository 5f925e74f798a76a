using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// Hooks whose receivers never answer neither crowd a healthy hook out of the dispatcher's rounds nor make it wait for
/// their timeouts (issue 24: "publishing never waits on a receiver", with some of 10 hooks slow or down).
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
}
