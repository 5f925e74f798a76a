using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Operations;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

public sealed class BackupAndVerifyTests
{
    [SkippableFact]
    public async Task A_backup_taken_during_uploads_restores_into_a_server_that_serves_every_file_byte_exact()
    {
        Skip.If(TestBackend.IsPostgresS3, "SQLite's online backup; PostgreSQL is backed up with pg_dump");
        await using var live = await RegistryServer.StartAsync();
        await live.CreateGroupAsync("bk");
        await live.CreateProjectAsync("bk", "app");
        using var client = live.Client(RegistryServer.RootToken);
        var acknowledged = new ConcurrentDictionary<string, (byte[] Content, DateTime At)>();
        async Task UploadAsync(int n)
        {
            var content = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(1, 300_000));
            var url = Publishing.Url("bk/app", $"pkg{n % 3}", $"1.0.{n % 5}", $"file{n}.bin");
            using var put = await client.PutAsync(url, new ByteArrayContent(content));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            acknowledged[url] = (content, DateTime.UtcNow);
        }
        for (var i = 0; i < 20; i++) await UploadAsync(i);

        // Uploads keep coming, 4 at a time, while the backup runs.
        using var stop = new CancellationTokenSource();
        var counter = 20;
        var uploaders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await UploadAsync(Interlocked.Increment(ref counter));
        })).ToList();
        // The backup starts once uploads are under way, not after a guess at how long that takes.
        await Eventually.HoldsAsync(() => Volatile.Read(ref counter) > 28, "uploads are running");
        var backupStarted = DateTime.UtcNow;
        var backupDir = Path.Combine(Path.GetTempPath(), "registry-tests", "backup-" + Guid.NewGuid().ToString("N"));
        var (backupExit, backupOutput) = await RegistryCommand.RunAsync(["backup", backupDir, .. RegistryCommand.SettingsOf(live)]);
        await stop.CancelAsync();
        await Task.WhenAll(uploaders);
        Assert.True(backupExit == 0, backupOutput);
        Assert.True(acknowledged.Values.Count(v => v.At > backupStarted) > 0, "no upload ran during the backup");

        var restoredPath = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        var (restoreExit, restoreOutput) = await RegistryCommand.RunAsync(["restore", backupDir, $"--Registry:DataPath={restoredPath}"]);
        Assert.True(restoreExit == 0, restoreOutput);
        // Restoring twice, or over data, is refused.
        Assert.Equal(2, (await RegistryCommand.RunAsync(["restore", backupDir, $"--Registry:DataPath={restoredPath}"])).ExitCode);

        await using var restored = await RegistryServer.StartAsync(dataPath: restoredPath);
        using var restoredClient = restored.Client(RegistryServer.RootToken);
        var served = 0;
        foreach (var (url, (content, at)) in acknowledged)
        {
            using var response = await restoredClient.GetAsync(url);
            if (at < backupStarted) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK) continue;
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
            served++;
        }
        Assert.True(served >= 20);
        var output = new StringWriter();
        Assert.Equal(0, await OperationsCommands.RunAsync(["verify", .. RegistryCommand.SettingsOf(restored)], output));
        Directory.Delete(backupDir, recursive: true);
    }

    /// <summary>Another process holds the database file's lock for a few seconds, as a connection closing holds it while
    /// it checkpoints the log: the backup waits for it, as the server's own connections do, instead of failing at once
    /// with "database is locked".</summary>
    [SkippableFact]
    public async Task A_backup_waits_for_a_lock_another_process_holds_on_the_database_for_a_moment()
    {
        Skip.If(TestBackend.IsPostgresS3, "SQLite's online backup; PostgreSQL is backed up with pg_dump");
        Skip.IfNot(File.Exists("/usr/bin/python3"), "Debian's python3 holds the lock");
        await using var live = await RegistryServer.StartAsync();
        await live.CreateGroupAsync("bl");
        await live.CreateProjectAsync("bl", "app");
        using var client = live.Client(RegistryServer.RootToken);
        var content = RandomNumberGenerator.GetBytes(100_000);
        var url = Publishing.Url("bl/app", "pkg", "1.0.0", "a.bin");
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, new ByteArrayContent(content))).StatusCode);

        // SQLite's pending byte, write-locked: a new connection cannot take its first shared lock until it is released.
        // Another process, since closing a lock this process took would drop the in-process server's own locks.
        const string holder = """
            import fcntl, sys, time
            f = open(sys.argv[1], "r+b")
            fcntl.lockf(f, fcntl.LOCK_EX, 1, 0x40000000)
            print("locked", flush=True)
            time.sleep(6)
            """;
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(holder);
        start.ArgumentList.Add(Path.Combine(live.DataPath, "registry.db"));
        using var locker = System.Diagnostics.Process.Start(start)!;
        Assert.Equal("locked", await locker.StandardOutput.ReadLineAsync());

        var backupDir = Path.Combine(Path.GetTempPath(), "registry-tests", "backup-" + Guid.NewGuid().ToString("N"));
        var (backupExit, backupOutput) = await RegistryCommand.RunAsync(["backup", backupDir, .. RegistryCommand.SettingsOf(live)]);
        Assert.True(backupExit == 0, backupOutput);
        await locker.WaitForExitAsync();

        var restoredPath = Path.Combine(Path.GetTempPath(), "registry-tests", Guid.NewGuid().ToString("N"));
        Assert.Equal(0, (await RegistryCommand.RunAsync(["restore", backupDir, $"--Registry:DataPath={restoredPath}"])).ExitCode);
        await using var restored = await RegistryServer.StartAsync(dataPath: restoredPath);
        Assert.Equal(content, await restored.Client(RegistryServer.RootToken).GetByteArrayAsync(url));
        Directory.Delete(backupDir, recursive: true);
    }

    /// <summary>Two small files (their bytes kept in the database) and two larger ones (blobs of their own): verify reads
    /// both kinds back, and finds a corrupted body in the database as it finds a deleted blob.</summary>
    [Fact]
    public async Task Verify_finds_a_corrupted_and_a_deleted_blob_and_repair_only_marks_them()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("vf");
        await server.CreateProjectAsync("vf", "app");
        using var client = server.Client(RegistryServer.RootToken);
        var urls = Enumerable.Range(0, 4).Select(i => Publishing.Url("vf/app", "pkg", "1.0.0", $"f{i}.bin")).ToList();
        int[] sizes = [5000, 5000, 70_000, 70_000];
        for (var i = 0; i < urls.Count; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(urls[i], new ByteArrayContent(RandomNumberGenerator.GetBytes(sizes[i])))).StatusCode);
        var clean = new StringWriter();
        Assert.Equal(0, await OperationsCommands.RunAsync(["verify", .. RegistryCommand.SettingsOf(server)], clean));
        Assert.Contains("Checked 4 files (150000 bytes): 0 missing, 0 corrupt, 0 orphaned blobs.", clean.ToString());

        var keys = (await StoredKeysAsync(server)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, keys.Count);
        Assert.Equal(2, keys.Count(Registry.Schema.Storage.DatabaseBodyStore.Holds)); // first in order: "db:" < "files/"
        await TestBackend.PutBlobDirectlyAsync(server, keys[0], RandomNumberGenerator.GetBytes(5000)); // same size, other bytes
        await DeleteBlobAsync(server, keys[3]);
        await TestBackend.PutBlobDirectlyAsync(server, "files/ff/ff/orphan", [1, 2, 3]);

        var found = new StringWriter();
        Assert.Equal(1, await OperationsCommands.RunAsync(["verify", .. RegistryCommand.SettingsOf(server)], found));
        var text = found.ToString();
        Assert.Contains($"corrupt: {keys[0]}", text);
        Assert.Contains($"missing: {keys[3]}", text);
        Assert.Contains("orphaned: files/ff/ff/orphan", text);
        Assert.Contains("1 missing, 1 corrupt, 1 orphaned blobs", text);
        // Without --repair nothing changes: every file is still listed.
        Assert.Equal(4, await CountFilesAsync(client));

        var repaired = new StringWriter();
        Assert.Equal(1, await OperationsCommands.RunAsync(["verify", "--repair", .. RegistryCommand.SettingsOf(server)], repaired));
        Assert.Contains("Marked 2 files as broken", repaired.ToString());
        // The broken files are no longer served; the rows stay (nothing deleted); the good ones are untouched.
        Assert.Equal(2, await CountFilesAsync(client));
        var statuses = new List<HttpStatusCode>();
        foreach (var url in urls) statuses.Add((await client.GetAsync(url)).StatusCode);
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Contains("Checked 2 files", (await RunVerifyAsync(server)).Output);
        Assert.Contains(keys[0], await StoredKeysAsync(server)); // the corrupt blob is kept for inspection
    }

    /// <summary>Blob keys as the registry names them (<c>files/..</c>), whichever store holds them.</summary>
    private static async Task<List<string>> StoredKeysAsync(RegistryServer server) =>
        (await TestBackend.BlobKeysAsync(server)).Select(k => Registry.Schema.Storage.DatabaseBodyStore.Holds(k) ? k
            : TestBackend.IsPostgresS3 ? k[(server.Instance.Length + 1)..] : "files/" + k.Replace('\\', '/')).ToList();

    private static async Task<(int Exit, string Output)> RunVerifyAsync(RegistryServer server)
    {
        var output = new StringWriter();
        var exit = await OperationsCommands.RunAsync(["verify", .. RegistryCommand.SettingsOf(server)], output);
        return (exit, output.ToString());
    }

    private static async Task<int> CountFilesAsync(HttpClient client)
    {
        var packages = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/v4/projects/vf%2Fapp/packages")).RootElement;
        var id = packages[0].GetProperty("id").GetInt64();
        return System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"/api/v4/projects/vf%2Fapp/packages/{id}/package_files")).RootElement.GetArrayLength();
    }

    private static async Task DeleteBlobAsync(RegistryServer server, string key)
    {
        if (Registry.Schema.Storage.DatabaseBodyStore.Holds(key))
        {
            await server.Services.GetRequiredService<Registry.Schema.Storage.IBlobStore>().DeleteAsync(key, CancellationToken.None);
            return;
        }
        if (!TestBackend.IsPostgresS3)
        {
            File.Delete(Path.Combine(server.DataPath, "blobs", key));
            return;
        }
        using var s3 = TestBackend.S3Client();
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = TestBackend.S3Bucket, Key = server.Instance + "/" + key });
    }
}
