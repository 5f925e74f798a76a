using System.Net;
using System.Security.Cryptography;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>A blob no row refers to (a crash between storing and recording it) is removed; recorded blobs stay.</summary>
public sealed class OrphanBlobTests
{
    [Fact]
    public async Task Unreferenced_blobs_are_collected_at_start_and_recorded_ones_kept()
    {
        var settings = new Dictionary<string, string> { ["Registry:OrphanBlobMinAge"] = "00:00:00" };
        var first = await RegistryServer.StartAsync(settings);
        var kept = RandomNumberGenerator.GetBytes(1000);
        var orphan = RandomNumberGenerator.GetBytes(1001);
        try
        {
            await first.CreateGroupAsync("orphans");
            var project = await first.CreateProjectAsync("orphans", "app");
            using (var root = first.Client(RegistryServer.RootToken))
                Assert.Equal(HttpStatusCode.Created, (await root.PutAsync(RegistryServer.GenericUrl(project, "p", "1.0", "kept.bin"), new ByteArrayContent(kept))).StatusCode);
            await TestBackend.PutBlobDirectlyAsync(first, "files/zz/zz/orphan-from-a-crash", orphan);
            await first.StopKeepingDataAsync();

            await using var second = await RegistryServer.StartAsync(settings, restartOf: first);
            await Eventually.HoldsAsync(async () => (await TestBackend.BlobsWithContentAsync(second, orphan)).Length == 0,
                "the unreferenced blob is removed");
            Assert.Single(await TestBackend.BlobsWithContentAsync(second, kept));
            using var client = second.Client(RegistryServer.RootToken);
            Assert.Equal(kept, await client.GetByteArrayAsync(RegistryServer.GenericUrl(project, "p", "1.0", "kept.bin")));
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}
