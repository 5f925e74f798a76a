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
        var url = Publishing.Url("chunks/app", "pkg", "1.0.0", "f.bin");
        var answer = await RawHttp.SendChunkedAsync(server.BaseAddress, url, RegistryServer.RootToken, $"{chunkSize}\r\nhello\r\n0\r\n\r\n");
        Assert.True(answer.Status == 400, answer.Status + " " + answer.Text);
        Assert.StartsWith("400 Bad request", answer.Json.GetProperty("message").GetString());
        using var client = server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(url)).StatusCode);
    }

    [SkippableFact]
    public async Task A_full_file_system_answers_507_loses_nothing_and_recovers()
    {
        await using var disk = await SmallDisk.MountAsync("12m", new Dictionary<string, string>
        {
            ["Registry:SweepInterval"] = "00:00:01",
            ["Logging:LogLevel:Registry.Schema.Packages"] = "Debug", // the publisher and the recorder's retries
        });
        var (server, logs) = (disk.Server, disk.Logs);
        using var client = server.Client(RegistryServer.RootToken);
        string Url(int i) => Publishing.Url("full/app", "pkg", $"1.0.{i}", "f.bin");

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

        // 2. The blob fits but the database cannot grow.
        await disk.FillAsync();
        using (var dbFull = await client.PutAsync(Url(100), new ByteArrayContent(new byte[100])))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, dbFull.StatusCode);
            Assert.Equal("""{"message":"507 Insufficient Storage"}""", await dbFull.Content.ReadAsStringAsync());
        }
        // A full disk is not a lost race: the upload is not retried. (The lifecycle scheduler may run meanwhile, fail on
        // the full disk and say it retries later: that is its own warning, not this.)
        Assert.DoesNotContain(logs.Entries, e => e.Message.StartsWith("Lost a race", StringComparison.Ordinal));

        // Nothing logged as an error; each refusal one clear warning.
        Assert.Empty(logs.AtLeast(LogLevel.Error));
        Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Out of storage", StringComparison.Ordinal)));

        // 3. Room again: everything acknowledged is intact, and uploads work.
        disk.Free();
        foreach (var (url, content) in stored) Assert.Equal(content, await client.GetByteArrayAsync(url));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url(100))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(Url(101), new ByteArrayContent(new byte[1000]))).StatusCode);
    }

    /// <summary>
    /// Settings changes that create their row on first use used to call themselves again on any failed save: on a full
    /// database a request never answered. Each answers at once now, GraphQL with an error in <c>errors</c>, REST with 507.
    /// The disk fills up two ways: inside the INSERT (a write bigger than SQLite's page cache spills to the WAL while the
    /// statement runs, and EF wraps the failure in the DbUpdateException the old code retried), and at the commit (a
    /// small write reaches the WAL only then).
    /// </summary>
    [SkippableFact]
    public async Task Settings_changes_on_a_full_database_answer_at_once_with_an_error()
    {
        await using var disk = await SmallDisk.MountAsync("16m");
        var (server, logs) = (disk.Server, disk.Logs);
        const string settings = """mutation { updateNamespacePackageSettings(input: {namespacePath: "full", genericDuplicatesAllowed: false}) { errors } }""";
        const string policy = """mutation { updatePackagesCleanupPolicy(input: {projectPath: "full/app", keepNDuplicatedPackageFiles: ONE_PACKAGE_FILE}) { errors } }""";

        // Inside the statement: each first insert drags 4 MiB of ballast along (more than the 2 MiB page cache).
        await disk.SqlAsync("""
            CREATE TABLE test_ballast (b BLOB);
            CREATE TRIGGER test_ballast_settings AFTER INSERT ON NamespacePackageSettings BEGIN INSERT INTO test_ballast VALUES (randomblob(4194304)); END;
            CREATE TRIGGER test_ballast_policy AFTER INSERT ON PackagesCleanupPolicies BEGIN INSERT INTO test_ballast VALUES (randomblob(4194304)); END;
            """);
        await disk.FillAsync();
        foreach (var mutation in new[] { settings, policy }) await AssertAnsweredFullAsync(server, mutation);
        disk.Free();
        await disk.SqlAsync("DROP TRIGGER test_ballast_settings; DROP TRIGGER test_ballast_policy;");

        // At the commit.
        await disk.FillAsync();
        foreach (var mutation in new[] { settings, policy }) await AssertAnsweredFullAsync(server, mutation);
        using var client = server.Client(RegistryServer.RootToken);
        client.Timeout = Prompt;
        using (var rule = await client.PostAsJsonAsync("/api/v4/projects/full%2Fapp/packages/protection/rules",
            new { package_name_pattern = "release-*", package_type = "generic", minimum_access_level_for_push = "maintainer" }))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, rule.StatusCode);
            Assert.Equal("""{"message":"507 Insufficient Storage"}""", await rule.Content.ReadAsStringAsync());
        }
        // A full disk is not a lost race: the upload is not retried. (The lifecycle scheduler may run meanwhile, fail on
        // the full disk and say it retries later: that is its own warning, not this.)
        Assert.DoesNotContain(logs.Entries, e => e.Message.StartsWith("Lost a race", StringComparison.Ordinal));
        Assert.Empty(logs.AtLeast(LogLevel.Error));

        // Room again: the same changes go through.
        disk.Free();
        foreach (var mutation in new[] { settings, policy })
            Assert.Empty((await server.GraphQLAsync(mutation)).EnumerateObject().Single().Value.Errors());
    }

    /// <summary>An answer well before this is prompt; a request that retries its failed save keeps going past it.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);

    private static async Task AssertAnsweredFullAsync(RegistryServer server, string mutation)
    {
        var started = Stopwatch.StartNew();
        var answer = server.GraphQLResponseAsync(mutation);
        // A hang fails here, with what it is, rather than as the test's timeout.
        if (await Task.WhenAny(answer, Task.Delay(Prompt)) != answer)
            Assert.Fail($"no answer {Prompt.TotalSeconds} s after {mutation}: the request keeps retrying its failed save");
        var error = Assert.Single((await answer).Body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INSUFFICIENT_STORAGE", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.True(started.Elapsed < Prompt, started.Elapsed.ToString());
    }

    /// <summary>
    /// A registry whose data folder (SQLite database and blobs) is a small tmpfs of its own, with the group
    /// <c>full</c> and the project <c>full/app</c>; <see cref="FillAsync"/> fills the disk, <see cref="Free"/> makes
    /// room again.
    /// </summary>
    private sealed class SmallDisk : IAsyncDisposable
    {
        private readonly string _mount;
        public RegistryServer Server { get; private set; } = null!;
        public LogCapture Logs { get; } = new();
        private string Filler => Path.Combine(_mount, "filler");
        private string Database => $"Data Source={Path.Combine(Server.DataPath, "registry.db")};Pooling=False";

        private SmallDisk(string mount) => _mount = mount;

        public static async Task<SmallDisk> MountAsync(string size, IDictionary<string, string>? settings = null)
        {
            Skip.If(TestBackend.IsPostgresS3, "the file store and SQLite database on a small tmpfs");
            Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounting a tmpfs needs root");
            var mount = Path.Combine(Path.GetTempPath(), "registry-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(mount);
            await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mount);
            var disk = new SmallDisk(mount);
            try
            {
                disk.Server = await RegistryServer.StartAsync(settings, dataPath: Path.Combine(mount, "data"), configureServices: disk.Logs.AddTo);
                await disk.Server.CreateGroupAsync("full");
                await disk.Server.CreateProjectAsync("full", "app");
                return disk;
            }
            catch
            {
                await disk.DisposeAsync();
                throw;
            }
        }

        public async Task SqlAsync(string sql)
        {
            await using var db = new SqliteConnection(Database);
            await db.OpenAsync();
            await using var command = db.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>
        /// Leaves one 4 KiB block: the WAL is truncated first, so that the database's next write needs room the disk no
        /// longer has.
        /// </summary>
        public async Task FillAsync()
        {
            await SqlAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            var reserve = Path.Combine(_mount, "reserve");
            await File.WriteAllBytesAsync(reserve, new byte[4096]);
            using (var fill = new FileStream(Filler, FileMode.Create))
            {
                var block = new byte[4096];
                try { while (true) { fill.Write(block); fill.Flush(true); } }
                catch (IOException) { }
            }
            File.Delete(reserve);
        }

        public void Free() => File.Delete(Filler);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (Server is not null) await Server.DisposeAsync();
            }
            finally
            {
                await RunAsync("umount", "-l", _mount);
            }
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
