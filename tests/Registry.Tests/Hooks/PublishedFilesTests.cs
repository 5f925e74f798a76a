using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Hooks;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Hooks;

/// <summary>
/// A publish batch records its files' events of one package as one row (<see cref="PublishedFiles"/>). Receivers must
/// not see the difference: each file still makes one event of its own, with its own UUID and the body a row of its own
/// gave, in order; and a round that can use only some of the row's events (uploads in flight) fans out those and leaves
/// the rest in the row for the next round.
/// </summary>
public sealed class PublishedFilesTests
{
    [Fact]
    public async Task A_batchs_files_are_one_row_whose_events_fan_out_a_few_a_round_and_each_reaches_every_hook_once_in_order()
    {
        await using var first = await HookReceiver.StartedAsync();
        await using var second = await HookReceiver.StartedAsync();
        // Two hooks at two deliveries a second while an upload is in flight: one event a round, a round a second.
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>(HookFixture.FastHooks)
        {
            ["Registry:Hooks:PollInterval"] = "00:00:01",
            ["Registry:Hooks:DeliveriesPerSecondWhileUploading"] = "2",
        });
        await HookFixture.AllowLocalAsync(server, true);
        await server.CreateGroupAsync("rows");
        await server.CreateProjectAsync("rows", "app");
        using var client = server.Client(RegistryServer.RootToken);
        foreach (var receiver in new[] { first, second })
            using (var r = await client.PostAsJsonAsync("/api/v4/projects/rows%2Fapp/hooks", new { url = receiver.Url, token = "rows" }))
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = client.PutAsync(Publishing.Url("rows/app", "big", "1.0.0", "big.bin"), new PausingContent(16 * 1024 * 1024, halfSent, goOn));
        var names = Enumerable.Range(0, 6).Select(i => $"f{i}.bin").ToList();
        IReadOnlyList<PackageFileRecord> recorded;
        try
        {
            await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
            recorded = await RecordOneBatchAsync(server, "rows/app", names);
            var row = await Eventually.ReturnsAsync(() => RowAsync(server), r => r.Files.Count < names.Count,
                "a round fanned out some of the row's events and left the rest in it");
            Assert.Equal(PackageEventKind.FilesPublished, row.Event.Kind);
            Assert.NotEmpty(row.Files);
            Assert.Equal(names.TakeLast(row.Files.Count), row.Files.Select(f => f.FileName));
        }
        finally
        {
            goOn.TrySetResult();
        }
        using (var response = await held) Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        foreach (var receiver in new[] { first, second })
        {
            await Eventually.HoldsAsync(() => receiver.Received.Count >= names.Count + 1, "every event at every hook");
            var bodies = receiver.Received.Select(r => (r.Headers, Body: JsonDocument.Parse(r.Body).RootElement)).ToList();
            var files = bodies.Select(b => b.Body.GetProperty("package_file")).ToList();
            Assert.Equal(names.Append("big.bin"), files.Select(f => f.GetProperty("file_name").GetString())); // in order, each once
            for (var i = 0; i < names.Count; i++)
            {
                Assert.Equal("package_file_published", bodies[i].Body.GetProperty("event_type").GetString());
                Assert.Equal(bodies[i].Headers["X-Gitlab-Event-UUID"], bodies[i].Body.GetProperty("event_uuid").GetString());
                Assert.Equal(recorded[i].Id, files[i].GetProperty("id").GetInt64());
                Assert.Equal(recorded[i].FileSha256, files[i].GetProperty("file_sha256").GetString());
                Assert.Equal(recorded[i].Size, files[i].GetProperty("size").GetInt64());
                Assert.Equal(recorded[i].PackageId, bodies[i].Body.GetProperty("package").GetProperty("id").GetInt64());
                Assert.Equal("root", bodies[i].Body.GetProperty("user").GetProperty("username").GetString());
            }
            Assert.Equal(names.Count + 1, bodies.Select(b => b.Headers["X-Gitlab-Event-UUID"]).Distinct().Count());
        }
        // Each hook's delivery of an event has the event's UUID: the two hooks got the same events.
        Assert.Equal(first.Received.Select(r => r.Headers["X-Gitlab-Event-UUID"]), second.Received.Select(r => r.Headers["X-Gitlab-Event-UUID"]));
        Assert.False(await AnyWaitingAsync(server), "an event row is still waiting to be fanned out");
    }

    /// <summary>Records <paramref name="names"/> as one publish batch of the root user's, as the batcher hands it to the recorder.</summary>
    private static async Task<IReadOnlyList<PackageFileRecord>> RecordOneBatchAsync(RegistryServer server, string projectPath, List<string> names)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var project = await db.Projects.AsNoTracking().SingleAsync(p => p.FullPathKey == projectPath);
        var root = await db.Users.AsNoTracking().SingleAsync(u => u.Username == "root");
        var actor = new Actor(ActorKind.User, root, TokenScopes.Api);
        var outcomes = await scope.ServiceProvider.GetRequiredService<PublishRecorder>().RecordAsync(
            names.Select((name, i) => new PendingPublish(new PublishCommand(actor, project, "pkg", "1.0.0", name, null, 1),
                new ContentDigests(new string((char)('a' + i), 64), null, null, 1), PackagePublisher.NewBlobKey(), null)).ToList(),
            CancellationToken.None);
        Assert.All(outcomes, o => Assert.Null(o.Failure));
        return outcomes.Select(o => o.Recording!.Result.Record).ToList();
    }

    /// <summary>The row of published files (the only one), and the files it still holds.</summary>
    private static async Task<(PackageEvent Event, List<PublishedFiles.FileData> Files)> RowAsync(RegistryServer server)
    {
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var row = await db.PackageEvents.AsNoTracking().SingleAsync(e => e.Kind == PackageEventKind.FilesPublished);
        return (row, row.FannedOutAt is null ? JsonSerializer.Deserialize(row.Data, PackageEventJsonContext.Default.PublishedFiles)!.Files : []);
    }

    private static async Task<bool> AnyWaitingAsync(RegistryServer server)
    {
        using var scope = server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().PackageEvents.AnyAsync(e => e.FannedOutAt == null);
    }
}
