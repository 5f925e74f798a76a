using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Operations;

/// <summary>What a stopping or dying process does to uploads: finish them, refuse new ones, leave nothing behind.</summary>
public sealed class ShutdownAndCrashTests
{
    [Fact]
    public async Task Sigterm_lets_the_upload_in_flight_finish_and_refuses_new_ones_with_503()
    {
        // On the suite's backend, so the server started afterwards finds what this one acknowledged.
        var instance = Guid.NewGuid().ToString("N");
        await using var process = ServerProcess.Start("drain", await TestBackend.SettingsForNewServerAsync(instance), new Dictionary<string, string>
        {
            ["Registry:ShutdownGracePeriod"] = "00:00:30",
            ["Logging:LogLevel:Registry.Server.Operations"] = "Information",
        });
        await process.WaitReadyAsync();
        await process.GraphQLAsync("mutation { createGroup(input: {path: \"drain\", visibility: PRIVATE}) { errors } }");
        await process.GraphQLAsync("mutation { createProject(input: {namespacePath: \"drain\", path: \"app\"}) { errors } }");
        var content = RandomNumberGenerator.GetBytes(256 * 1024);
        var url = Publishing.Url("drain/app", "pkg", "1.0.0", "slow.bin");

        // An upload in flight: headers and the first half sent, the rest after SIGTERM.
        using var tcp = await RawHttp.ConnectAsync(process.BaseAddress);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PUT {url} HTTP/1.1\r\nHost: {process.BaseAddress.Authority}\r\n" +
            $"Content-Length: {content.Length}\r\nPRIVATE-TOKEN: {RegistryServer.RootToken}\r\n\r\n"));
        await stream.WriteAsync(content.AsMemory(0, content.Length / 2));
        await stream.FlushAsync();
        using var client = process.Client();
        await Eventually.HoldsAsync(async () => (await MetricsScrape.TakeAsync(client)).Sum("registry_uploads_in_flight") == 1,
            "the server is receiving the upload");

        process.Terminate();
        // Draining: readiness fails so the load balancer stops sending; a new upload is refused, downloads still work.
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/-/readiness")).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness fails while draining");
        using (var refused = await client.PutAsync(Publishing.Url("drain/app", "pkg", "1.0.0", "late.bin"), new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/json", refused.Content.Headers.ContentType!.ToString());
            Assert.Contains("503 Service Unavailable", await refused.Content.ReadAsStringAsync());
        }

        await stream.WriteAsync(content.AsMemory(content.Length / 2));
        await stream.FlushAsync();
        var answer = await RawHttp.ReadResponseAsync(stream, "the answer to the upload in flight");
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);

        Assert.Equal(0, await process.WaitForExitAsync());
        Assert.Contains("waiting up to 00:00:30 for 1 uploads in flight", process.Log);
        Assert.Contains("the uploads in flight finished", process.Log);

        // Nothing acknowledged was lost: a new server on the same data serves the file.
        try
        {
            // In this process: what is checked is what the stopped one left, without another process's start-up.
            await using var after = await RegistryServer.StartAsync(instanceOf: (instance, process));
            using var root = after.Client(RegistryServer.RootToken);
            Assert.Equal(content, await root.GetByteArrayAsync(url));
        }
        finally
        {
            await TestBackend.DropDatabaseAsync(instance);
        }
    }

    [SkippableFact]
    public async Task A_crash_mid_upload_leaves_no_partial_file_once_another_instance_sweeps()
    {
        Skip.If(TestBackend.IsPostgresS3, "s3rver cannot list multipart uploads; S3 relies on the bucket's lifecycle rule");
        // Instance A runs throughout; B, on the same data folder, takes an upload and is killed in the middle of it.
        await using var a = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            // Partial files idle for 10 s are swept: a full run on two cores once starved the sending test for the 4 s
            // that a 2 s timeout allowed, and A swept B's live upload.
            ["Registry:UploadIdleTimeout"] = "00:00:05",
            ["Registry:SweepInterval"] = "00:00:01",
        });
        await a.CreateGroupAsync("crash");
        await a.CreateProjectAsync("crash", "app");
        var tmp = Path.Combine(a.DataPath, "blobs", "tmp");
        await using var b = ServerProcess.Start("crashing", new Dictionary<string, string>(), new Dictionary<string, string> { ["Registry:DataPath"] = a.DataPath });
        await b.WaitReadyAsync();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(b.BaseAddress.Host, b.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PUT {Publishing.Url("crash/app", "pkg", "1.0.0", "big.bin")} HTTP/1.1\r\n" +
            $"Host: {b.BaseAddress.Authority}\r\nContent-Length: {200L * 1024 * 1024}\r\nPRIVATE-TOKEN: {RegistryServer.RootToken}\r\n\r\n"));
        // 64 KiB/s, below the server's 128 KiB chunk: B must still write what it has often enough that A, which sweeps
        // a partial file nothing was written to for twice 5 s, leaves the growing upload alone for longer than that.
        var chunk = RandomNumberGenerator.GetBytes(16 * 1024);
        var until = DateTime.UtcNow.AddSeconds(13);
        while (DateTime.UtcNow < until)
        {
            await stream.WriteAsync(chunk);
            await Task.Delay(250);
        }
        var partial = Assert.Single(Directory.GetFiles(tmp, "*.part"));
        Assert.True(new FileInfo(partial).Length > 0);

        await b.DisposeAsync(); // kill -9: the partial file stays behind
        Assert.True(File.Exists(partial), "the partial file of an upload still in flight was swept");
        await Eventually.HoldsAsync(() => !File.Exists(partial), "the crashed upload's partial file is swept");
        Assert.Empty(Directory.GetFiles(tmp, "*.part"));
    }

    [Fact]
    public async Task A_client_sending_its_headers_slowly_is_cut_off_after_the_header_timeout()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:RequestHeadersTimeout"] = "00:00:02" });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var started = DateTime.UtcNow;
        var closed = ReadUntilClosedAsync(stream);
        var header = Encoding.ASCII.GetBytes($"GET /-/liveness HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nX-Slow: " + new string('a', 200));
        foreach (var b in header)
        {
            if (closed.IsCompleted) break;
            try { await stream.WriteAsync(new[] { b }); }
            catch (IOException) { break; }
            await Task.Delay(100);
        }
        var answer = await closed;
        var elapsed = DateTime.UtcNow - started;
        Assert.DoesNotContain("200 OK", answer);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void The_default_header_timeout_is_ten_seconds_at_most() =>
        Assert.InRange(new Registry.Schema.RegistryOptions().RequestHeadersTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

    /// <summary>What the server sends until it closes the connection.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        try { await stream.CopyToAsync(received, new CancellationTokenSource(Eventually.Deadline).Token); }
        catch (IOException) { }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
