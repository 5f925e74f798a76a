using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// Identical bytes are stored once, on the file system and on S3: package files point at the content blob of their
/// SHA-256, which goes only when no file refers to it, even when an upload of the same bytes races its removal.
/// </summary>
public sealed class ContentAddressedStorageTests
{
    private const long TenMiB = 10L * 1024 * 1024;

    private static async Task<T> InScopeAsync<T>(RegistryServer server, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private static Task<int> CountAsync<T>(RegistryServer server, Func<RegistryDbContext, IQueryable<T>> query) =>
        InScopeAsync(server, sp => query(sp.GetRequiredService<RegistryDbContext>()).CountAsync());

    private static async Task<JsonElement> StorageAsync(RegistryServer server) =>
        (await server.GraphQLAsync("{ packagesStorage { packageFilesSize storedSize savedSize packageFilesCount storedBlobsCount } }"))
        .GetProperty("packagesStorage");

    /// <summary>The storage gauges as an exporter reads them from the server's meter.</summary>
    private static Dictionary<string, long> ReadGauges(RegistryServer server)
    {
        var meter = server.Services.GetRequiredService<StorageMetrics>().Meter;
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter == meter) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    [Fact]
    public async Task Twenty_five_versions_of_the_same_10_MiB_store_it_once_until_the_last_goes()
    {
        await using var server = await RegistryServer.StartAsync();
        var project = await server.CreateUniqueProjectAsync("dedup");
        const int seed = 1300;
        // Enough versions that four uploads of the same bytes race throughout and the deletions below take two requests
        // (PackageDestroyer.MaxPackagesPerRequest); each more costs 10 MiB of upload and hashing.
        const int count = 25;
        var versions = Enumerable.Range(1, count).Select(i => $"1.0.{i}").ToList();
        await Parallel.ForEachAsync(versions, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (version, _) =>
        {
            using var response = await server.UploadAsync(project, "nightly", version, "tool.bin", new GeneratedContent(TenMiB, seed));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        var content = GeneratedContent.Bytes(TenMiB, seed);

        Assert.Single(await server.BlobsWithContentAsync(content));
        var storage = await StorageAsync(server);
        Assert.Equal(count * TenMiB, storage.GetProperty("packageFilesSize").GetInt64());
        Assert.Equal(TenMiB, storage.GetProperty("storedSize").GetInt64());
        Assert.Equal((count - 1) * TenMiB, storage.GetProperty("savedSize").GetInt64());
        Assert.Equal(1, storage.GetProperty("storedBlobsCount").GetInt32());
        var gauges = ReadGauges(server);
        Assert.Equal((count - 1) * TenMiB, gauges["registry.packages.storage.saved"]);
        Assert.Equal(TenMiB, gauges["registry.packages.storage.stored"]);

        // Deleting all but one of them keeps the content for the last one.
        var ids = (await server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packages(first: 100, sort: VERSION_ASC) { nodes { id version } } } }",
                new { p = await ProjectPathAsync(server, project) }))
            .GetProperty("project").GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .Where(n => n.GetProperty("version").GetString() != $"1.0.{count}").Select(n => n.GetProperty("id").GetString()!).ToList();
        Assert.Equal(count - 1, ids.Count);
        foreach (var batch in ids.Chunk(PackageDestroyer.MaxPackagesPerRequest))
            Assert.Empty((await server.MutateAsync("destroyPackages", new { ids = batch })).Errors());
        await Eventually.HoldsAsync(async () => await CountAsync(server, db => db.PackageFiles) == 1, "the destroyed files are swept");
        Assert.Single(await server.BlobsWithContentAsync(content));
        var (status, body) = await server.DownloadAsync(project, "nightly", $"1.0.{count}", "tool.bin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(content, body);

        // Deleting the last frees it.
        var last = await server.PackageGidAsync(await ProjectPathAsync(server, project), "nightly");
        Assert.Empty((await server.MutateAsync("destroyPackage", new { id = last })).Errors());
        await server.AssertBlobsGoneAsync(content);
        await Eventually.HoldsAsync(async () => await CountAsync(server, db => db.ContentBlobs) == 0, "the content blob's row is gone");
        Assert.Equal(0, (await StorageAsync(server)).GetProperty("storedSize").GetInt64());
    }

    /// <summary>
    /// A body too large to read into memory first is streamed into a blob writer; when its digest turns out stored
    /// already, that copy is discarded before its flush and rename instead of committed and then removed.
    /// </summary>
    [Fact]
    public async Task A_large_upload_of_bytes_stored_already_commits_no_copy_of_its_own()
    {
        var commits = new CommitCounter();
        await using var server = await RegistryServer.StartAsync(configureServices: commits.AddTo);
        var project = await server.CreateUniqueProjectAsync("dedup-large");
        var content = RandomNumberGenerator.GetBytes(PackagePublisher.SmallBody * 4);
        var other = RandomNumberGenerator.GetBytes(PackagePublisher.SmallBody * 4);

        await server.PublishAsync(project, "tool", "1.0.0", "tool.bin", content);
        Assert.Equal(1, commits.Count);
        var again = await server.PublishAsync(project, "tool", "1.0.1", "tool.bin", content);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), again.GetProperty("file_sha256").GetString());
        Assert.Equal(1, commits.Count);
        Assert.Equal(content, (await server.DownloadAsync(project, "tool", "1.0.1", "tool.bin")).Body);
        Assert.Single(await server.BlobsWithContentAsync(content));

        await server.PublishAsync(project, "tool", "1.0.2", "tool.bin", other);
        Assert.Equal(2, commits.Count);
    }

    /// <summary>The server's blob store, counting the writers that commit.</summary>
    private sealed class CommitCounter
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);

        public void AddTo(IServiceCollection services) => services.AddSingleton<IBlobStore>(sp => new DatabaseBodyStore(new Store(this, TestBackend.IsPostgresS3
            ? sp.GetRequiredService<Registry.Server.Storage.S3BlobStore>()
            : sp.GetRequiredService<Registry.Server.Storage.FileSystemBlobStore>()), sp.GetRequiredService<IServiceScopeFactory>()));

        private sealed class Store(CommitCounter counter, IBlobStore inner) : IBlobStore
        {
            public int FileStore => inner.FileStore;
            public async Task<IBlobWriter> CreateAsync(string key, long? expectedLength, CancellationToken ct) =>
                new Writer(counter, await inner.CreateAsync(key, expectedLength, ct));
            public Task<Stream?> OpenReadAsync(string key, CancellationToken ct) => inner.OpenReadAsync(key, ct);
            public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
            public Task<Uri?> GetDirectDownloadUrlAsync(string key, string fileName, CancellationToken ct) => inner.GetDirectDownloadUrlAsync(key, fileName, ct);
            public string? LocalPathOf(string key) => inner.LocalPathOf(key);
            public IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);
            public Task ProbeAsync(CancellationToken ct) => inner.ProbeAsync(ct);
            public Task<int> RemovePartialUploadsAsync(DateTime idleSinceUtc, CancellationToken ct) => inner.RemovePartialUploadsAsync(idleSinceUtc, ct);
        }

        private sealed class Writer(CommitCounter counter, IBlobWriter inner) : IBlobWriter
        {
            public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => inner.WriteAsync(data, ct);
            public async Task CommitAsync(CancellationToken ct)
            {
                await inner.CommitAsync(ct);
                Interlocked.Increment(ref counter._count);
            }
            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Fact]
    public async Task Identical_bytes_in_two_projects_are_stored_once_and_outlive_either()
    {
        await using var server = await RegistryServer.StartAsync();
        var first = await server.CreateUniqueProjectAsync("dedup-a");
        var second = await server.CreateUniqueProjectAsync("dedup-b");
        var content = RandomNumberGenerator.GetBytes(4096);
        var a = await server.PublishAsync(first, "lib", "1.0", "lib.so", content);
        var b = await server.PublishAsync(second, "other", "2.0", "copy.so", content);
        Assert.Single(await server.BlobsWithContentAsync(content));
        Assert.Equal(a.GetProperty("file_sha256").GetString(), b.GetProperty("file_sha256").GetString());

        Assert.Empty((await server.MutateAsync("destroyPackageFile", new { id = $"gid://gitlab/Packages::PackageFile/{a.GetProperty("id").GetInt64()}" })).Errors());
        await Eventually.HoldsAsync(async () => await CountAsync(server, db => db.PackageFiles.Where(f => f.Status == PackageFileStatus.PendingDestruction)) == 0,
            "the destroyed file is swept");
        Assert.Equal(content, (await server.DownloadAsync(second, "other", "2.0", "copy.so")).Body);
        Assert.Single(await server.BlobsWithContentAsync(content));
    }

    /// <summary>
    /// An upload asks whether its bytes are stored (a small body before it is written, a large one before its flush), and
    /// a yes is cached for a moment: when the bytes went since (the last file holding them destroyed and swept), the next
    /// upload of them must store them again, not fail or point at nothing.
    /// </summary>
    [Theory]
    [InlineData(1024)]
    [InlineData(256 * 1024)]
    public async Task Bytes_removed_after_a_cached_yes_are_stored_again(int size)
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:HotCacheTtl"] = "00:05:00" });
        var project = await server.CreateUniqueProjectAsync("stale-yes");
        var content = RandomNumberGenerator.GetBytes(size);
        var first = await server.PublishAsync(project, "tool", "1.0", "f.bin", content);
        var second = await server.PublishAsync(project, "tool", "2.0", "f.bin", content); // the look says yes: cached
        foreach (var package in new[] { first, second })
            Assert.Empty((await server.MutateAsync("destroyPackage", new { id = $"gid://gitlab/Packages::Package/{package.GetProperty("package_id").GetInt64()}" })).Errors());
        await InScopeAsync(server, sp => sp.GetRequiredService<PackageDestroyer>().SweepAsync(CancellationToken.None));
        await InScopeAsync(server, sp => sp.GetRequiredService<ContentStore>().CollectUnreferencedAsync(CancellationToken.None));
        await server.AssertBlobsGoneAsync(content);
        // The background sweeper may be the one removing it: its row goes just after its bytes.
        await Eventually.HoldsAsync(async () => await CountAsync(server, db => db.ContentBlobs) == 0, "the content blob's row is gone");

        using var response = await server.UploadAsync(project, "tool", "3.0", "f.bin", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var (status, body) = await server.DownloadAsync(project, "tool", "3.0", "f.bin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(content, body);
        Assert.Single(await server.BlobsWithContentAsync(content));
    }

    /// <summary>
    /// The classic dedup/GC race: the last file holding some bytes is removed while the same bytes are uploaded again.
    /// The removal (the sweep, run directly and by the background sweeper at once) and the upload start together each
    /// round; whatever the interleaving, the new upload must stay downloadable, and nothing may leak.
    /// </summary>
    [Fact]
    public async Task Removing_the_last_reference_while_the_same_bytes_are_uploaded_loses_nothing_200_times()
    {
        await using var server = await RegistryServer.StartAsync();
        var project = await server.CreateUniqueProjectAsync("race");
        var path = await ProjectPathAsync(server, project);
        for (var round = 0; round < 200; round++)
        {
            var content = RandomNumberGenerator.GetBytes(2048 + round);
            var old = await server.PublishAsync(project, "race", $"old-{round}", "f.bin", content);
            Assert.Empty((await server.MutateAsync("destroyPackage", new { id = $"gid://gitlab/Packages::Package/{old.GetProperty("package_id").GetInt64()}" })).Errors());

            using var start = new Barrier(2);
            var sweep = Task.Run(async () =>
            {
                start.SignalAndWait();
                await InScopeAsync(server, sp => sp.GetRequiredService<PackageDestroyer>().SweepAsync(CancellationToken.None));
            });
            var upload = Task.Run(async () =>
            {
                start.SignalAndWait();
                using var response = await server.UploadAsync(project, "race", $"new-{round}", "f.bin", content);
                return response.StatusCode;
            });
            await Task.WhenAll(sweep, upload);
            Assert.Equal(HttpStatusCode.Created, await upload);

            var (status, body) = await server.DownloadAsync(project, "race", $"new-{round}", "f.bin");
            Assert.True(status == HttpStatusCode.OK && body.AsSpan().SequenceEqual(content), $"round {round}: the re-uploaded bytes are lost ({(int)status})");
        }

        // Whatever each round's interleaving, every live file still has its bytes, and every stored blob is referred to.
        await Eventually.HoldsAsync(async () => await CountAsync(server, db => db.PackageFiles.Where(f => f.Status == PackageFileStatus.PendingDestruction)) == 0,
            "every destroyed file is swept");
        await InScopeAsync(server, sp => sp.GetRequiredService<ContentStore>().CollectUnreferencedAsync(CancellationToken.None));
        Assert.Equal(200, await CountAsync(server, db => db.ContentBlobs));
        Assert.Equal(200, (await TestBackend.BlobKeysAsync(server)).Count);
        var live = (await server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packages(first: 1) { count } } }", new { p = path }))
            .GetProperty("project").GetProperty("packages").GetProperty("count").GetInt32();
        Assert.Equal(200, live);
    }

    private static async Task<string> ProjectPathAsync(RegistryServer server, long projectId) =>
        await InScopeAsync(server, sp => sp.GetRequiredService<RegistryDbContext>().Projects.Where(p => p.Id == projectId).Select(p => p.FullPath).SingleAsync());
}
