using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

/// <summary>A full file system and malformed bodies: clear 4xx/5xx answers in GitLab's shape, nothing half-stored.</summary>
public sealed class StorageFaultTests
{
    [Theory]
    [InlineData("ffffffffffffffff")]
    [InlineData("fffffffffffffffff")]
    [InlineData("8000000000000000")]
    [InlineData("-1")]
    [InlineData("zz")]
    [InlineData("5 5")]
    [InlineData("")]
    public async Task Every_malformed_chunk_size_answers_400(string chunkSize)
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("chunks");
        await server.CreateProjectAsync("chunks", "app");
        var url = RegistryServer.GenericUrl("chunks%2Fapp", "pkg", "1.0.0", "f.bin");
        var answer = await RawHttp.SendChunkedAsync(server.BaseAddress, url, RegistryServer.RootToken, $"{chunkSize}\r\nhello\r\n0\r\n\r\n");
        Assert.True(answer.Status == 400, answer.Status + " " + answer.Text);
        Assert.StartsWith("400 Bad request", answer.Json.GetProperty("message").GetString());
        using var client = server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);
    }

    [SkippableFact]
    public async Task A_full_file_system_answers_507_loses_nothing_and_recovers()
    {
        Skip.If(TestBackend.IsPostgresS3, "the file store on a small tmpfs");
        Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounting a tmpfs needs root");
        var mount = Path.Combine(Path.GetTempPath(), "registry-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount);
        try
        {
            var logs = new LogCapture();
            await using var server = await RegistryServer.StartAsync(new Dictionary<string, string>
            {
                ["Registry:SweepInterval"] = "00:00:01",
                ["Logging:LogLevel:Registry.Schema.Packages.PackagePublisher"] = "Debug",
            }, dataPath: Path.Combine(mount, "data"), configureServices: logs.AddTo);
            await server.CreateGroupAsync("full");
            await server.CreateProjectAsync("full", "app");
            using var client = server.Client(RegistryServer.RootToken);
            string Url(int i) => RegistryServer.GenericUrl("full%2Fapp", "pkg", $"1.0.{i}", "f.bin");

            // 1. The blob does not fit: 3 MiB files until the disk is full.
            var stored = new List<(string Url, byte[] Content)>();
            HttpResponseMessage? full = null;
            for (var i = 0; i < 10 && full is null; i++)
            {
                var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
                var response = await client.PutAsync(Url(i), new ByteArrayContent(content));
                if (response.StatusCode == HttpStatusCode.Created) stored.Add((Url(i), content));
                else full = response;
            }
            Assert.NotNull(full);
            Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
            Assert.Equal("""{"message":"507 Insufficient Storage"}""", await full.Content.ReadAsStringAsync());
            Assert.Equal("application/json", full.Content.Headers.ContentType!.ToString());
            Assert.NotEmpty(stored);
            Assert.Empty(Directory.GetFiles(Path.Combine(server.DataPath, "blobs", "tmp")));

            // 2. The blob fits but the database cannot grow: one 4 KiB block left, the WAL truncated.
            await using (var db = new SqliteConnection($"Data Source={Path.Combine(server.DataPath, "registry.db")}"))
            {
                await db.OpenAsync();
                await using var checkpoint = db.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync();
            }
            var filler = Path.Combine(mount, "filler");
            FillLeaving(filler, mount, 4096);
            var started = Stopwatch.StartNew();
            using (var dbFull = await client.PutAsync(Url(100), new ByteArrayContent(new byte[100])))
            {
                Assert.Equal(HttpStatusCode.InsufficientStorage, dbFull.StatusCode);
                Assert.Equal("""{"message":"507 Insufficient Storage"}""", await dbFull.Content.ReadAsStringAsync());
            }
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("retrying", StringComparison.Ordinal));

            // Nothing logged as an error; each refusal one clear warning.
            Assert.Empty(logs.AtLeast(LogLevel.Error));
            Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Out of storage", StringComparison.Ordinal)));

            // 3. Room again: everything acknowledged is intact, and uploads work.
            File.Delete(filler);
            foreach (var (url, content) in stored) Assert.Equal(content, await client.GetByteArrayAsync(url));
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(100))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(Url(101), new ByteArrayContent(new byte[1000]))).StatusCode);
            await server.StopKeepingDataAsync();
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
        }
    }

    /// <summary>
    /// Settings changes that create their row on first use used to retry any failed save forever: on a full database a
    /// request never answered. Each answers at once now, GraphQL with an error in <c>errors</c>, REST with 507.
    /// </summary>
    [SkippableFact]
    public async Task Settings_changes_on_a_full_database_answer_at_once_with_an_error()
    {
        Skip.If(TestBackend.IsPostgresS3, "the database on a small tmpfs");
        Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounting a tmpfs needs root");
        var mount = Path.Combine(Path.GetTempPath(), "registry-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount);
        try
        {
            var logs = new LogCapture();
            await using var server = await RegistryServer.StartAsync(dataPath: Path.Combine(mount, "data"), configureServices: logs.AddTo);
            await server.CreateGroupAsync("full");
            await server.CreateProjectAsync("full", "app");
            await using (var db = new SqliteConnection($"Data Source={Path.Combine(server.DataPath, "registry.db")}"))
            {
                await db.OpenAsync();
                await using var checkpoint = db.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await checkpoint.ExecuteNonQueryAsync();
            }
            var filler = Path.Combine(mount, "filler");
            FillLeaving(filler, mount, 4096);

            const string settings = """mutation { updateNamespacePackageSettings(input: {namespacePath: "full", genericDuplicatesAllowed: false}) { errors } }""";
            const string policy = """mutation { updatePackagesCleanupPolicy(input: {projectPath: "full/app", keepNDuplicatedPackageFiles: ONE_PACKAGE_FILE}) { errors } }""";
            foreach (var mutation in new[] { settings, policy })
            {
                using var answered = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var response = await server.GraphQLResponseAsync(mutation).WaitAsync(answered.Token);
                var error = Assert.Single(response.Body.GetProperty("errors").EnumerateArray());
                Assert.Equal("INSUFFICIENT_STORAGE", error.GetProperty("extensions").GetProperty("code").GetString());
            }
            using var client = server.Client(RegistryServer.RootToken);
            client.Timeout = TimeSpan.FromSeconds(20);
            using (var rule = await client.PostAsJsonAsync("/api/v4/projects/full%2Fapp/packages/protection/rules",
                new { package_name_pattern = "release-*", package_type = "generic", minimum_access_level_for_push = "maintainer" }))
            {
                Assert.Equal(HttpStatusCode.InsufficientStorage, rule.StatusCode);
                Assert.Equal("""{"message":"507 Insufficient Storage"}""", await rule.Content.ReadAsStringAsync());
            }
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("retrying", StringComparison.Ordinal));
            Assert.Empty(logs.AtLeast(LogLevel.Error));

            // Room again: the same changes go through.
            File.Delete(filler);
            foreach (var mutation in new[] { settings, policy })
                Assert.Empty((await server.GraphQLAsync(mutation)).EnumerateObject().Single().Value.Errors());
            await server.StopKeepingDataAsync();
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
        }
    }

    /// <summary>Writes <paramref name="path"/> until the file system is full, then shrinks it to leave <paramref name="free"/> bytes.</summary>
    private static void FillLeaving(string path, string mount, long free)
    {
        using var reserve = new FileStream(Path.Combine(mount, "reserve"), FileMode.Create);
        reserve.Write(new byte[free]);
        reserve.Flush(true);
        reserve.Close();
        using (var fill = new FileStream(path, FileMode.Create))
        {
            var block = new byte[4096];
            try { while (true) { fill.Write(block); fill.Flush(true); } }
            catch (IOException) { }
        }
        File.Delete(Path.Combine(mount, "reserve"));
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
