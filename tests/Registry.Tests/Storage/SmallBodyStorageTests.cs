using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Storage;

/// <summary>
/// New bytes of a small upload (at most <see cref="PackagePublisher.SmallBody"/>) are kept in the database with their
/// file's row, not as a blob of their own, on SQLite and on PostgreSQL: served byte-exact, stored once per digest,
/// removed with the last file that holds them, and left alone by the sweeps while referenced.
/// </summary>
public sealed class SmallBodyStorageTests
{
    [Fact]
    public async Task Small_new_bytes_live_in_the_database_once_and_go_with_the_last_file_holding_them()
    {
        var first = await RegistryServer.StartAsync();
        var project = await first.CreateUniqueProjectAsync("small");
        var content = RandomNumberGenerator.GetBytes(1024);
        var other = RandomNumberGenerator.GetBytes(PackagePublisher.SmallBody);
        await first.PublishAsync(project, "tool", "1.0.0", "a.bin", content);
        await first.PublishAsync(project, "tool", "1.0.1", "a.bin", content);
        await first.PublishAsync(project, "tool", "1.0.2", "b.bin", other);
        // The same new bytes from eight uploads at once: a small body is not looked up before its batch, so the batch's
        // claim is what finds them stored, and only the first one's bytes are kept.
        var raced = RandomNumberGenerator.GetBytes(2048);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => first.PublishAsync(project, "raced", $"1.0.{i}", "r.bin", raced)));
        Assert.Single(await first.BlobsWithContentAsync(raced));

        // No blob (no file under the data folder, no S3 object), no temporary write: the bytes are rows, once per digest.
        Assert.All(await TestBackend.BlobKeysAsync(first), k => Assert.True(DatabaseBodyStore.Holds(k), k));
        Assert.Equal(0, await TestBackend.UnfinishedWritesAsync(first));
        if (!TestBackend.IsPostgresS3)
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(first.DataPath, "blobs"), "*", SearchOption.AllDirectories));
        Assert.Equal(3, (await TestBackend.DatabaseBodiesAsync(first)).Count);
        Assert.Single(await first.BlobsWithContentAsync(content));

        // Served byte-exact, also by a server started again on the same data.
        await first.StopKeepingDataAsync();
        await using var server = await RegistryServer.StartAsync(restartOf: first);
        foreach (var (version, file, bytes) in new[] { ("1.0.0", "a.bin", content), ("1.0.1", "a.bin", content), ("1.0.2", "b.bin", other) })
        {
            var (status, body) = await server.DownloadAsync(project, "tool", version, file);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(bytes, body);
        }
        using (var client = server.Client(RegistryServer.RootToken))
        {
            client.DefaultRequestHeaders.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
            using var ranged = await client.GetAsync(Publishing.Url(project, "tool", "1.0.0", "a.bin"));
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Equal(content[100..200], await ranged.Content.ReadAsByteArrayAsync());
        }

        // The sweeps of unreferenced content and orphaned blobs leave referenced bodies alone.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ContentStore>().CollectUnreferencedAsync(CancellationToken.None));
            await scope.ServiceProvider.GetRequiredService<OrphanBlobCollector>().CollectAsync(CancellationToken.None);
        }
        Assert.Equal(3, (await TestBackend.DatabaseBodiesAsync(server)).Count);

        // Removing one of two files holding the bytes keeps them; removing the last removes them.
        var path = await ProjectPathAsync(server, project);
        var gids = await VersionGidsAsync(server, path);
        Assert.Empty((await server.MutateAsync("destroyPackage", new { id = gids["1.0.0"] })).Errors());
        await Eventually.HoldsAsync(async () => await CountFilesAsync(server) == 10, "the destroyed file is swept");
        Assert.Single(await server.BlobsWithContentAsync(content));
        Assert.Equal(content, (await server.DownloadAsync(project, "tool", "1.0.1", "a.bin")).Body);
        Assert.Empty((await server.MutateAsync("destroyPackage", new { id = gids["1.0.1"] })).Errors());
        await server.AssertBlobsGoneAsync(content);
        Assert.Equal(2, (await TestBackend.DatabaseBodiesAsync(server)).Count);
        Assert.Equal(other, (await server.DownloadAsync(project, "tool", "1.0.2", "b.bin")).Body);
    }

    private static async Task<string> ProjectPathAsync(RegistryServer server, long projectId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Projects.Where(p => p.Id == projectId).Select(p => p.FullPath).SingleAsync();
    }

    private static async Task<int> CountFilesAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().PackageFiles.CountAsync();
    }

    private static async Task<Dictionary<string, string>> VersionGidsAsync(RegistryServer server, string path) =>
        (await server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packages(first: 20) { nodes { id name version } } } }", new { p = path }))
        .GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
        .Where(n => n.GetProperty("name").GetString() == "tool").ToDictionary(n => n.GetProperty("version").GetString()!, n => n.GetProperty("id").GetString()!);
}
