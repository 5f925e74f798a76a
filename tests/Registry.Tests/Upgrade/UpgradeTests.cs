using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Server.Lifecycle;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Upgrade;

/// <summary>
/// An upgrade keeps data: this build, started on the data folder (SQLite + files) or the PostgreSQL database (with its
/// blobs in S3) that main's build left (fixtures made by make-fixtures.sh), serves every file, while and after it moves
/// them onto content-addressed storage and drops the redundant copies.
/// </summary>
public sealed class UpgradeTests
{
    /// <summary>The root token the fixtures were made with (their database already has root, so this one stays).</summary>
    private const string FixtureRootToken = "fixture-root-token-0123456789";

    private static string FixturePath(string fixture, string suffix) =>
        Path.Combine(RepositoryRoot.Path, "tests", "Registry.Tests", "Upgrade", $"{fixture}-{suffix}");

    private sealed record StoredRow(long ProjectId, long PackageId, long FileId, string Name, string Version, string FileName, string Sha256, long Size, bool Hidden);

    /// <param name="fixture">main's build before this branch was made (d544b3f), when it was finished (c426e7c), with issue 9 (d95c4c9), and the builds before the last two migrations of their times (bd466b2, f98abb7)</param>
    [Theory]
    [InlineData("main-d544b3f")]
    [InlineData("main-c426e7c")]
    [InlineData("main-d95c4c9")]
    [InlineData("main-bd466b2")]
    [InlineData("main-f98abb7")]
    public async Task The_data_mains_build_left_is_served_throughout_the_move_to_content_addressed_storage(string fixture)
    {
        // A server creates the database (and, on PostgreSQL, the bucket prefix); its contents are then replaced by
        // what main's build left there.
        var previous = await RegistryServer.StartAsync();
        await previous.StopKeepingDataAsync();
        try
        {
            await PlantFixtureAsync(previous, fixture);
            await using var upgraded = await RegistryServer.StartAsync(restartOf: previous);

            var rows = await LiveFilesAsync(upgraded);
            // What publish.sh in make-fixtures.sh left: five equal notes, two equal 30 kB tools, a file in a folder, three
            // uploads of one name (two of them equal) and a hidden package; destroyed ones are gone.
            Assert.Equal(12, rows.Count);
            Assert.Contains(rows, r => r.FileName == "linux/amd64/tool");
            Assert.Contains(rows, r => r.Name == "secret");
            Assert.DoesNotContain(rows, r => r.Name == "gone");

            // Downloads run the whole time the move goes on; every one must answer the stored bytes.
            using var moved = new CancellationTokenSource();
            var failures = new List<string>();
            var downloads = Task.Run(async () =>
            {
                while (!moved.IsCancellationRequested)
                    foreach (var failure in await DownloadEveryFileAsync(upgraded, rows)) lock (failures) failures.Add(failure);
            });
            var migration = upgraded.Services.GetRequiredService<ContentMigrationService>();
            await migration.FirstPass.Task.WaitAsync(Eventually.Deadline);
            var distinct = rows.DistinctBy(r => r.Sha256).ToList();
            // The redundant copies go a few seconds after the switch, while the downloads keep running.
            await Eventually.ReturnsAsync(() => TestBackend.BlobKeysAsync(upgraded), keys => keys.Count == distinct.Count,
                $"one stored blob for each of the {distinct.Count} distinct contents");
            await moved.CancelAsync();
            await downloads;
            Assert.Empty(failures);

            await using (var scope = upgraded.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                Assert.False(await db.PackageFiles.AnyAsync(f => f.ContentBlobId == null));
                Assert.Equal(distinct.Count, await db.ContentBlobs.CountAsync());
            }
            Assert.Empty(await DownloadEveryFileAsync(upgraded, rows));
            var storage = (await upgraded.GraphQLAsync("{ packagesStorage { savedSize storedSize } }", token: FixtureRootToken)).GetProperty("packagesStorage");
            Assert.Equal(rows.Sum(r => r.Size) - distinct.Sum(r => r.Size), storage.GetProperty("savedSize").GetInt64());

            // The upgraded registry keeps working: a new upload of existing bytes shares them.
            var notes = rows.First(r => r.FileName == "notes.txt");
            var (status, body) = await upgraded.DownloadAsync(notes.ProjectId, notes.Name, notes.Version, notes.FileName, FixtureRootToken);
            Assert.Equal(HttpStatusCode.OK, status);
            await upgraded.PublishAsync(notes.ProjectId, "tool", "3.0.0", "notes.txt", body, token: FixtureRootToken);
            Assert.Equal(distinct.Count, (await TestBackend.BlobKeysAsync(upgraded)).Count);
        }
        finally
        {
            await previous.DisposeAsync();
        }
    }

    /// <summary>
    /// Every live file by id (the Packages API, which shows no hidden package) and the newest of each name (the generic
    /// API, hidden ones too), checked against its row.
    /// </summary>
    private static async Task<List<string>> DownloadEveryFileAsync(RegistryServer server, List<StoredRow> rows)
    {
        var failures = new List<string>();
        using var client = server.Client(FixtureRootToken);
        foreach (var row in rows.Where(r => !r.Hidden))
        {
            using var response = await client.GetAsync($"/api/v4/projects/{row.ProjectId}/packages/{row.PackageId}/package_files/{row.FileId}/download");
            var hash = Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
            if (response.StatusCode != HttpStatusCode.OK || hash != row.Sha256) failures.Add($"file {row.FileId}: {(int)response.StatusCode} {hash}");
        }
        foreach (var newest in rows.GroupBy(r => (r.PackageId, r.FileName)).Select(g => g.MaxBy(r => r.FileId)!))
        {
            var (status, body) = await server.DownloadAsync(newest.ProjectId, newest.Name, newest.Version, newest.FileName, FixtureRootToken);
            var hash = Convert.ToHexStringLower(SHA256.HashData(body));
            if (status != HttpStatusCode.OK || hash != newest.Sha256) failures.Add($"{newest.Name}/{newest.Version}/{newest.FileName}: {(int)status}");
        }
        return failures;
    }

    private static async Task<List<StoredRow>> LiveFilesAsync(RegistryServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return await db.PackageFiles.AsNoTracking().Where(f => f.Status == PackageFileStatus.Default)
            .Select(f => new StoredRow(f.Package.ProjectId, f.PackageId, f.Id, f.Package.Name, f.Package.Version, f.FileName, f.FileSha256, f.Size,
                f.Package.Status == PackageStatus.Hidden))
            .ToListAsync();
    }

    private static async Task PlantFixtureAsync(RegistryServer stopped, string fixture)
    {
        if (!TestBackend.IsPostgresS3)
        {
            foreach (var file in Directory.EnumerateFiles(stopped.DataPath, "registry.db*")) File.Delete(file);
            if (Directory.Exists(Path.Combine(stopped.DataPath, "blobs"))) Directory.Delete(Path.Combine(stopped.DataPath, "blobs"), recursive: true);
            await ExtractAsync(FixturePath(fixture, "sqlite.tar.gz"), async (name, bytes) =>
            {
                var target = Path.Combine(stopped.DataPath, name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, bytes);
            });
            return;
        }
        var connection = new NpgsqlConnectionStringBuilder(TestBackend.PostgresAdmin)
        {
            Database = "registry_test_" + stopped.Instance, Pooling = false,
        }.ConnectionString;
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using (var reset = new NpgsqlCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public;", db))
                await reset.ExecuteNonQueryAsync();
            await using var load = new NpgsqlCommand(await File.ReadAllTextAsync(FixturePath(fixture, "postgres.sql")), db);
            await load.ExecuteNonQueryAsync();
        }
        await ExtractAsync(FixturePath(fixture, "postgres-blobs.tar.gz"), (key, bytes) => TestBackend.PutBlobDirectlyAsync(stopped, key, bytes));
    }

    /// <summary>Each regular file of a .tar.gz, by its path inside the archive.</summary>
    private static async Task ExtractAsync(string archive, Func<string, byte[], Task> write)
    {
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            await entry.DataStream.CopyToAsync(copy);
            await write(entry.Name.TrimStart('.', '/'), copy.ToArray());
        }
    }
}
