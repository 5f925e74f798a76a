using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Clients;

/// <summary>
/// The real <c>tus-js-client</c> (npm, root package.json) in Node uploads a generic package file through a proxy that
/// breaks every connection in the middle of the upload; the client resumes from the server's offset (not from zero)
/// and the published file has the bytes' SHA-256. On PostgreSQL + S3 it also resumes through a second instance.
/// </summary>
public sealed class TusClientTests
{
    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "Registry.Tests", "Clients", "tus_client.mjs");
    private const int Size = 20 * 1024 * 1024 + 12345;

    [Fact]
    public async Task Tus_js_client_resumes_after_a_broken_connection_and_the_file_is_published_intact()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("tus");
        var project = await server.CreateProjectAsync("tus", "app");
        var result = await RunAsync(server.BaseAddress.Port, null, project, "resumed.bin", declareSha256: true);
        await AssertResumedAndPublishedAsync(server, project, "resumed.bin", result);
    }

    [SkippableFact]
    public async Task On_S3_a_second_instance_continues_the_upload_the_first_one_started()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "Two instances share an upload on PostgreSQL + S3 only");
        await using var first = await RegistryServer.StartAsync();
        await first.CreateGroupAsync("tus2");
        var project = await first.CreateProjectAsync("tus2", "app");
        var second = await RegistryServer.StartAsync(restartOf: first);
        try
        {
            var result = await RunAsync(first.BaseAddress.Port, second.BaseAddress.Port, project, "two.bin", declareSha256: false);
            await AssertResumedAndPublishedAsync(second, project, "two.bin", result);
        }
        finally
        {
            await second.StopKeepingDataAsync();
        }
    }

    [Fact]
    public async Task A_declared_sha256_the_bytes_do_not_match_publishes_nothing()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("tus3");
        var project = await server.CreateProjectAsync("tus3", "app");
        var result = await RunAsync(server.BaseAddress.Port, null, project, "bad.bin", declareSha256: true, wrongSha256: true, cutAt: 0);
        Assert.Contains("Checksum mismatch", result.GetProperty("error").GetString());
        using var client = server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Publishing.Url(project, "tus", "1.0.0", "bad.bin"))).StatusCode);
    }

    private static async Task AssertResumedAndPublishedAsync(RegistryServer server, long project, string file, JsonElement result)
    {
        Assert.False(result.TryGetProperty("error", out var error), $"tus-js-client failed: {error}");
        Assert.True(result.GetProperty("cut").GetBoolean(), "the proxy never cut the connection");
        // The first PATCH started at 0 and broke; every PATCH the server took after that went on from the middle (one sent
        // while the server had not yet noticed the break may be refused with 423 and retried after a HEAD).
        var offsets = result.GetProperty("patchOffsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
        var accepted = result.GetProperty("acceptedOffsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
        Assert.Equal(0, offsets[0]);
        Assert.NotEmpty(accepted);
        Assert.All(accepted, o => Assert.InRange(o, 1, Size - 1));

        using var client = server.Client(RegistryServer.RootToken);
        using var download = await client.GetAsync(Publishing.Url(project, "tus", "1.0.0", file));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(Size, bytes.Length);
        Assert.Equal(result.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // The upload resource names the package file it became.
        using var described = await client.GetAsync(new Uri(result.GetProperty("url").GetString()!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        var record = JsonDocument.Parse(await described.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(result.GetProperty("sha256").GetString(), record.GetProperty("file_sha256").GetString());
        Assert.Equal(file, record.GetProperty("file_name").GetString());
    }

    private static async Task<JsonElement> RunAsync(int port, int? resumePort, long project, string file, bool declareSha256,
        bool wrongSha256 = false, int cutAt = Size / 2)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        start.WorkingDirectory = RepositoryRoot.Path;
        start.Environment["SIZE"] = Size.ToString();
        start.Environment["CUT_AT"] = cutAt.ToString();
        start.Environment["TARGET_PORT"] = port.ToString();
        if (resumePort is { } resume) start.Environment["RESUME_PORT"] = resume.ToString();
        start.Environment["TOKEN"] = RegistryServer.RootToken;
        start.Environment["UPLOAD_PATH"] = Publishing.Url(project, "tus", "1.0.0", file);
        if (declareSha256) start.Environment["DECLARE_SHA256"] = wrongSha256 ? "wrong" : "yes";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await errors}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }
}
