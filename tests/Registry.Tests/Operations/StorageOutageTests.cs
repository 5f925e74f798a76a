using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

/// <summary>
/// A blob store that goes away: uploads and downloads answer 503 with Retry-After (never 500), readiness fails, the
/// log has one warning rather than an error per request, and everything works again once the store is back.
/// </summary>
public sealed partial class StorageOutageTests
{
    private const string ServiceUnavailable = """{"message":"503 Service Unavailable"}""";

    [Fact]
    public async Task S3_stopped_in_the_middle_of_traffic_answers_503_fails_readiness_warns_once_and_recovers_when_it_returns()
    {
        await using var scene = await S3Scene.StartAsync();
        var (server, client, logs, kept, keptUrl) = scene;

        // Traffic: uploads and downloads one after the other, through the outage and after it. What was acknowledged
        // (201) must be there afterwards.
        using var stop = new CancellationTokenSource();
        var statuses = new List<int>();
        var acknowledged = new List<string>();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var url = Publishing.Url("outage/app", "pkg", "2.0.0", $"f{i}.bin");
                // A request in flight when s3rver dies can be cut off (a download's headers went out before its body
                // broke): nothing was acknowledged by it, so it is left out.
                try
                {
                    using var put = await client.PutAsync(url, new ByteArrayContent(Content(i)));
                    lock (statuses)
                    {
                        statuses.Add((int)put.StatusCode);
                        if (put.StatusCode == HttpStatusCode.Created) acknowledged.Add(url);
                    }
                }
                catch (HttpRequestException) { }
                try
                {
                    using var get = await client.GetAsync(keptUrl);
                    lock (statuses) statuses.Add((int)get.StatusCode);
                }
                catch (HttpRequestException) { }
                await Task.Delay(20);
            }
        });
        await Eventually.HoldsAsync(() => { lock (statuses) return statuses.Count >= 10; }, "traffic before the outage");
        await scene.StopS3Async();

        using (var upload = await client.PutAsync(Publishing.Url("outage/app", "pkg", "3.0.0", "down.bin"), new ByteArrayContent(new byte[Large])))
            await AssertUnavailableAsync(upload);
        using (var download = await client.GetAsync(keptUrl))
            await AssertUnavailableAsync(download);
        await AssertReadinessAsync(server, storageOk: false);
        for (var i = 0; i < 10; i++)
            using (var again = await client.GetAsync(keptUrl)) Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);

        // The same s3rver comes back on the same port and folder: readiness and traffic recover by themselves.
        await scene.StartS3Async();
        // The last answer and what the server logged since the restart name the failing check and its cause.
        var restarted = logs.Entries.Count;
        await Eventually.ReturnsAsync(async () =>
        {
            using var readiness = await server.Client().GetAsync("/-/readiness");
            return readiness.IsSuccessStatusCode ? "" : $"{(int)readiness.StatusCode} {await readiness.Content.ReadAsStringAsync()}; log: "
                + string.Join(" | ", logs.Entries.Skip(restarted).Where(e => e.Level >= LogLevel.Information).TakeLast(5)
                    .Select(e => $"{e} {Causes(e.Exception)}")) + "; s3rver: " + S3rverOutput(scene.S3);
        }, answer => answer == "", "readiness after s3rver's restart");
        await AssertReadinessAsync(server, storageOk: true);
        // Uploads of its own, not the traffic loop's: one of the loop's requests may have been cut off with s3rver and
        // wait out its client's timeout (a full run saw no 201 from the loop within 60 s while readiness had recovered).
        var after = 0;
        await Eventually.HoldsAsync(async () =>
        {
            after++;
            using var put = await client.PutAsync(Publishing.Url("outage/app", "pkg", "4.0.0", $"after{after}.bin"),
                new ByteArrayContent(Content(100_000 + after)));
            return put.StatusCode == HttpStatusCode.Created;
        }, "an upload after s3rver's restart");
        stop.Cancel();
        await traffic;

        List<int> seen;
        lock (statuses) seen = [.. statuses];
        Assert.Contains(503, seen);
        Assert.All(seen, s => Assert.Contains(s, new[] { 200, 201, 503 }));
        Assert.Equal(kept, await client.GetByteArrayAsync(keptUrl));
        foreach (var url in acknowledged)
            Assert.Equal(Content(int.Parse(url[(url.LastIndexOf("/f", StringComparison.Ordinal) + 2)..^4])), await client.GetByteArrayAsync(url));
        Assert.Empty(logs.AtLeast(LogLevel.Error));
        // One warning a minute: the outage lasts seconds, unless a loaded machine stretches it past the minute.
        Assert.InRange(logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Storage unavailable", StringComparison.Ordinal)), 1, 2);
        Assert.DoesNotContain(logs.Entries, e => e.Level == LogLevel.Warning && e.Category.Contains("HealthChecks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bucket_that_is_gone_answers_uploads_with_503_fails_readiness_and_recovers_when_it_is_back()
    {
        await using var scene = await S3Scene.StartAsync();
        var (server, client, logs, kept, keptUrl) = scene;

        // s3rver keeps a bucket as a folder: moved away, the bucket is gone (NoSuchBucket, a HEAD's bare 404).
        var bucket = Path.Combine(scene.Folder.FullName, "outage");
        Directory.Move(bucket, bucket + "-away");
        for (var i = 0; i < 3; i++)
            using (var upload = await client.PutAsync(Publishing.Url("outage/app", "pkg", "2.0.0", $"f{i}.bin"), new ByteArrayContent(Content(i))))
                await AssertUnavailableAsync(upload);
        await AssertReadinessAsync(server, storageOk: false);

        Directory.Move(bucket + "-away", bucket);
        await AssertReadinessAsync(server, storageOk: true);
        Assert.Equal(HttpStatusCode.Created,
            (await client.PutAsync(Publishing.Url("outage/app", "pkg", "2.0.0", "f.bin"), new ByteArrayContent(Content(3)))).StatusCode);
        Assert.Equal(kept, await client.GetByteArrayAsync(keptUrl));
        Assert.Empty(logs.AtLeast(LogLevel.Error));
        Assert.InRange(logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Storage unavailable", StringComparison.Ordinal)), 1, 2);
    }

    [SkippableFact]
    public async Task A_read_only_data_folder_refuses_uploads_with_503_keeps_serving_downloads_and_recovers()
    {
        Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(), "mounting a tmpfs needs root");
        var mount = Path.Combine(Path.GetTempPath(), "registry-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        var database = Directory.CreateTempSubdirectory("registry-outage-db-");
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount);
        try
        {
            var logs = new LogCapture();
            var settings = new Dictionary<string, string> { ["Registry:Storage:Provider"] = "FileSystem" };
            // The database stays writable: only the blobs' folder goes read-only.
            if (!TestBackend.IsPostgresS3) settings["ConnectionStrings:Registry"] = $"Data Source={Path.Combine(database.FullName, "registry.db")}";
            await using var server = await RegistryServer.StartAsync(settings, dataPath: Path.Combine(mount, "data"), configureServices: logs.AddTo);
            await server.CreateGroupAsync("ro");
            await server.CreateProjectAsync("ro", "app");
            using var client = server.Client(RegistryServer.RootToken);
            var kept = RandomNumberGenerator.GetBytes(Large);
            var keptUrl = Publishing.Url("ro/app", "pkg", "1.0.0", "kept.bin");
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(keptUrl, new ByteArrayContent(kept))).StatusCode);

            await RunAsync("mount", "-o", "remount,ro", mount);
            for (var i = 0; i < 5; i++)
                using (var upload = await client.PutAsync(Publishing.Url("ro/app", "pkg", "2.0.0", $"f{i}.bin"), new ByteArrayContent(new byte[Large])))
                    await AssertUnavailableAsync(upload);
            Assert.Equal(kept, await client.GetByteArrayAsync(keptUrl));
            await AssertReadinessAsync(server, storageOk: false);

            await RunAsync("mount", "-o", "remount,rw", mount);
            await AssertReadinessAsync(server, storageOk: true);
            Assert.Equal(HttpStatusCode.Created,
                (await client.PutAsync(Publishing.Url("ro/app", "pkg", "2.0.0", "f.bin"), new ByteArrayContent(new byte[Large]))).StatusCode);
            Assert.Empty(logs.AtLeast(LogLevel.Error));
            Assert.InRange(logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Storage unavailable", StringComparison.Ordinal)), 1, 2);
            await server.StopKeepingDataAsync();
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
            database.Delete(recursive: true);
        }
    }

    /// <summary>
    /// An s3rver of the test's own on a fixed port and folder, a registry storing its blobs in its bucket "outage", a
    /// project and one file stored before anything goes wrong.
    /// </summary>
    private sealed class S3Scene : IAsyncDisposable
    {
        private readonly int _port = FreePort();
        public DirectoryInfo Folder { get; } = Directory.CreateTempSubdirectory("registry-outage-s3-");
        public Process S3 { get; private set; } = null!;
        public LogCapture Logs { get; } = new();
        public RegistryServer Server { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public byte[] Kept { get; } = RandomNumberGenerator.GetBytes(Large + 1);
        public string KeptUrl { get; } = Publishing.Url("outage/app", "pkg", "1.0.0", "kept.bin");

        public static async Task<S3Scene> StartAsync()
        {
            var scene = new S3Scene();
            try
            {
                await scene.StartS3Async();
                scene.Server = await RegistryServer.StartAsync(new Dictionary<string, string>
                {
                    ["Registry:Storage:Provider"] = "S3",
                    ["Registry:Storage:S3:ServiceUrl"] = $"http://127.0.0.1:{scene._port}",
                    ["Registry:Storage:S3:AccessKey"] = TestBackend.S3AccessKey,
                    ["Registry:Storage:S3:SecretKey"] = TestBackend.S3SecretKey,
                    ["Registry:Storage:S3:Bucket"] = "outage",
                    ["Registry:Storage:S3:Prefix"] = "",
                    ["Registry:Storage:S3:CreateBucket"] = "true",
                }, configureServices: scene.Logs.AddTo);
                await scene.Server.CreateGroupAsync("outage");
                await scene.Server.CreateProjectAsync("outage", "app");
                scene.Client = scene.Server.Client(RegistryServer.RootToken);
                Assert.Equal(HttpStatusCode.Created, (await scene.Client.PutAsync(scene.KeptUrl, new ByteArrayContent(scene.Kept))).StatusCode);
                return scene;
            }
            catch
            {
                await scene.DisposeAsync();
                throw;
            }
        }

        public void Deconstruct(out RegistryServer server, out HttpClient client, out LogCapture logs, out byte[] kept, out string keptUrl) =>
            (server, client, logs, kept, keptUrl) = (Server, Client, Logs, Kept, KeptUrl);

        /// <summary>s3rver (again) on the same port and folder.</summary>
        public async Task StartS3Async() => S3 = await StartS3rverAsync(Folder.FullName, _port);

        public async Task StopS3Async()
        {
            if (!S3.HasExited) S3.Kill();
            await S3.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Client?.Dispose();
            if (Server is not null) await Server.DisposeAsync();
            if (S3 is not null) await StopS3Async();
            Folder.Delete(recursive: true);
        }
    }

    /// <summary>Upload <paramref name="i"/>'s bytes: each file its own, so a mix-up shows.</summary>
    private static byte[] Content(int i) => Encoding.UTF8.GetBytes($"upload {i} ".PadRight(Large, '.'));

    /// <summary>Larger than a small body, whose bytes the database keeps: these uploads and downloads need the store.</summary>
    private const int Large = Registry.Schema.Packages.PackagePublisher.SmallBody + 1000;

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(ServiceUnavailable, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, response.Headers.RetryAfter?.ToString());
    }

    private static async Task AssertReadinessAsync(RegistryServer server, bool storageOk)
    {
        using var readiness = await server.Client().GetAsync("/-/readiness");
        Assert.Equal(storageOk ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        var body = JsonDocument.Parse(await readiness.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(storageOk ? "ok" : "failed", body.GetProperty("storage_check")[0].GetProperty("status").GetString());
    }

    /// <summary>
    /// A port below the kernel's ephemeral range (as tests/run.sh picks its own): while s3rver is down the registry keeps
    /// connecting to its port, and a port in that range can then be taken by an outgoing connection (even one connected
    /// to itself), so s3rver could not listen there again. 100 above the suite's S3 port, which run.sh lets each
    /// checkout choose.
    /// </summary>
    private static int FreePort()
    {
        // One port per configuration: tests/run.sh runs the two side by side, and both run this test.
        var port = int.Parse(Environment.GetEnvironmentVariable("REGISTRY_TEST_S3_PORT") ?? "4569") + (TestBackend.IsPostgresS3 ? 101 : 100);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(); // throws if something holds it: better than a confusing failure later
        return port;
    }

    private static readonly ConditionalWeakTable<Process, Queue<string>> Output = new();

    /// <summary>The last lines s3rver printed (it logs each request and each error it answers).</summary>
    private static string S3rverOutput(Process s3rver)
    {
        if (!Output.TryGetValue(s3rver, out var output)) return "";
        lock (output) return AnsiColour().Replace(string.Join(" / ", output), "");
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiColour();

    /// <summary>Each exception of the chain with its type: an S3 error's status code is in the SDK's outer one.</summary>
    private static string Causes(Exception? e)
    {
        var causes = new List<string>();
        for (; e is not null; e = e.InnerException)
            causes.Add($"{e.GetType().Name}: {e.Message}{(e is Amazon.Runtime.AmazonServiceException s ? $" ({(int)s.StatusCode} {s.ErrorCode})" : "")}");
        return string.Join(" <- ", causes);
    }

    /// <summary>The repository's s3rver on <paramref name="port"/>, serving <paramref name="folder"/>; returns once it answers.</summary>
    private static async Task<Process> StartS3rverAsync(string folder, int port)
    {
        var s3rver = Path.Combine(RepositoryRoot.Path, "node_modules", ".bin", "s3rver");
        var process = Process.Start(new ProcessStartInfo(s3rver, ["--directory", folder, "--address", "127.0.0.1", "--port", port.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        // Read what it prints (a full pipe would stall it), keeping its last lines for a failure's message.
        var output = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                output.Enqueue(line);
                if (output.Count > 20) output.Dequeue();
            }
        }
        Output.Add(process, output);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var _ = await probe.GetAsync($"http://127.0.0.1:{port}/");
                return process;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                if (process.HasExited) throw new InvalidOperationException($"s3rver exited with {process.ExitCode}");
                await Task.Delay(100);
            }
        }
        process.Kill();
        throw new InvalidOperationException($"s3rver did not answer on port {port}");
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
