using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
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
                Assert.Equal(HttpStatusCode.Created, (await root.PutAsync(Publishing.Url(project, "p", "1.0", "kept.bin"), new ByteArrayContent(kept))).StatusCode);
            await TestBackend.PutBlobDirectlyAsync(first, "files/zz/zz/orphan-from-a-crash", orphan);
            await first.StopKeepingDataAsync();

            await using var second = await RegistryServer.StartAsync(settings, restartOf: first);
            await Eventually.HoldsAsync(async () => (await TestBackend.BlobsWithContentAsync(second, orphan)).Length == 0,
                "the unreferenced blob is removed");
            Assert.Single(await TestBackend.BlobsWithContentAsync(second, kept));
            using var client = second.Client(RegistryServer.RootToken);
            Assert.Equal(kept, await client.GetByteArrayAsync(Publishing.Url(project, "p", "1.0", "kept.bin")));
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}

/// <summary>
/// The orphan collector spares a blob younger than <c>Registry:OrphanBlobMinAge</c>: that is what keeps another
/// instance's upload, stored but not yet recorded, from being deleted under it. The registry's clock is moved, not waited for.
/// </summary>
public sealed class OrphanBlobAgeTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    [Fact]
    public async Task A_blob_younger_than_the_minimum_age_is_spared_and_collected_once_old_enough()
    {
        var server = fixture.Server;
        // The server's own collection at start must be over before the clock moves, or it may take the blob first.
        using (var client = server.Client())
            await Eventually.HoldsAsync(async () => (await MetricsScrape.TakeAsync(client)).Sum("registry_sweeps_total", ("kind", "orphan_blobs")) >= 1,
                "the collection at start has run");
        var inFlight = RandomNumberGenerator.GetBytes(1002);
        await TestBackend.PutBlobDirectlyAsync(server, "files/yy/yy/being-recorded-elsewhere", inFlight);

        // Stored just now (by the store's own clock): within the default hour, however often the collector runs.
        Assert.Equal(0, await CollectAsync(server));
        Assert.Single(await TestBackend.BlobsWithContentAsync(server, inFlight));
        fixture.Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(0, await CollectAsync(server));
        Assert.Single(await TestBackend.BlobsWithContentAsync(server, inFlight));

        // Past the minimum age and still unreferenced: now it is a crash's leftover and goes.
        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(1, await CollectAsync(server));
        Assert.Empty(await TestBackend.BlobsWithContentAsync(server, inFlight));
    }

    private static async Task<int> CollectAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Registry.Schema.Packages.OrphanBlobCollector>().CollectAsync(CancellationToken.None);
    }
}
