using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>Large, parallel, conditional and broken-off transfers against a real Kestrel server.</summary>
public sealed class TransferTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Forty_MiB_upload_and_download_are_byte_exact()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-big");
        using var client = Server.Client(RegistryServer.RootToken);
        const long size = 40L * 1024 * 1024;
        var url = Publishing.Url(project, "big", "1.0.0", "big.bin");

        var put = await client.PutAsync(url, new GeneratedContent(size, seed: 40));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var get = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(size, get.Content.Headers.ContentLength);
        var expected = GeneratedContent.Sha256(size, seed: 40);
        var (actual, length) = await StreamHash.Sha256Async(await get.Content.ReadAsStreamAsync());
        Assert.Equal(size, length);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, get.Headers.GetValues("X-Checksum-SHA256").Single());
    }

    [Fact]
    public async Task Parallel_uploads_into_a_new_version_all_succeed_into_one_package()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-par");
        const int count = 24;
        using var client = Server.Client(RegistryServer.RootToken);
        var sizes = Enumerable.Range(0, count).Select(i => 1000L + i * 7919).ToArray();

        var uploads = Enumerable.Range(0, count).Select(async i =>
        {
            var url = Publishing.Url(project, "par", "2.0.0", $"f{i}.bin") + (i % 2 == 0 ? "?select=package_file" : "");
            using var response = await client.PutAsync(url, new GeneratedContent(sizes[i], seed: 100 + i));
            var body = await response.Content.ReadAsStringAsync();
            return (i, response.StatusCode, body);
        }).ToArray();
        var results = await Task.WhenAll(uploads);

        var packageIds = new HashSet<long>();
        foreach (var (i, status, body) in results)
        {
            if (i % 2 == 0)
            {
                Assert.True(status == HttpStatusCode.OK, $"upload {i}: {(int)status} {body}");
                var json = JsonDocument.Parse(body).RootElement;
                packageIds.Add(json.GetProperty("package_id").GetInt64());
                Assert.Equal(GeneratedContent.Sha256(sizes[i], 100 + i), json.GetProperty("file_sha256").GetString());
            }
            else
            {
                Assert.True(status == HttpStatusCode.Created, $"upload {i}: {(int)status} {body}");
                Assert.Equal("""{"message":"201 Created"}""", body);
            }
        }
        Assert.Single(packageIds);

        for (var i = 0; i < count; i++)
        {
            using var get = await client.GetAsync(Publishing.Url(project, "par", "2.0.0", $"f{i}.bin"), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var (sha, length) = await StreamHash.Sha256Async(await get.Content.ReadAsStreamAsync());
            Assert.Equal(sizes[i], length);
            Assert.Equal(GeneratedContent.Sha256(sizes[i], 100 + i), sha);
        }

        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var packages = await db.Packages.Where(p => p.ProjectId == project && p.Name == "par" && p.Version == "2.0.0").Select(p => p.Id).ToListAsync();
        Assert.Equal(packageIds.Single(), Assert.Single(packages));
        Assert.Equal(count, await db.PackageFiles.CountAsync(f => f.PackageId == packages[0]));
    }

    [Fact]
    public async Task Parallel_uploads_of_one_file_name_where_duplicates_are_forbidden_store_exactly_one()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-dup");
        using (var scope = Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var namespaceId = await db.Projects.Where(p => p.Id == project).Select(p => p.NamespaceId).SingleAsync();
            db.NamespacePackageSettings.Add(new Registry.Schema.Packages.NamespacePackageSettings { NamespaceId = namespaceId, GenericDuplicatesAllowed = false });
            await db.SaveChangesAsync();
        }
        using var client = Server.Client(RegistryServer.RootToken);
        const int count = 12;
        var before = (await TestBackend.BlobKeysAsync(Server)).Count;

        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await client.PutAsync(Publishing.Url(project, "dup", "1.0.0", "same.bin"), new GeneratedContent(256 * 1024, seed: 300 + i));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("""{"message":"400 Bad request - Duplicate package is not allowed"}""", r.Body);
        });
        using (var scope = Server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            Assert.Equal(1, await db.PackageFiles.CountAsync(f => f.Package.ProjectId == project && f.FileName == "same.bin"));
        }
        await Eventually.HoldsAsync(async () => await TestBackend.UnfinishedWritesAsync(Server) == 0, "the refused uploads' temporary writes are gone");
        Assert.Equal(before + 1, (await TestBackend.BlobKeysAsync(Server)).Count);
    }

    [Fact]
    public async Task Head_range_and_if_none_match_are_honoured()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-cond");
        using var client = Server.Client(RegistryServer.RootToken);
        const long size = 100_000;
        var url = Publishing.Url(project, "cond", "1.0.0", "c.bin");
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, new GeneratedContent(size, seed: 7))).StatusCode);
        var sha = GeneratedContent.Sha256(size, seed: 7);

        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url)))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(size, head.Content.Headers.ContentLength);
            Assert.Equal("application/octet-stream", head.Content.Headers.ContentType!.MediaType);
            Assert.Equal(sha, head.Headers.GetValues("X-Checksum-SHA256").Single());
            Assert.Equal($"\"{sha}\"", head.Headers.ETag!.Tag);
            Assert.Equal("attachment; filename=\"c.bin\"; filename*=UTF-8''c.bin", head.Content.Headers.GetValues("Content-Disposition").Single());
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        var full = GeneratedContent.Bytes(size, seed: 7);
        var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(0, 4);
        using (var partial = await client.SendAsync(range))
        {
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(full[..5], await partial.Content.ReadAsByteArrayAsync());
            Assert.Equal($"bytes 0-4/{size}", partial.Content.Headers.ContentRange!.ToString());
        }

        var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha}\""));
        using (var notModified = await client.SendAsync(conditional))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        var otherTag = new HttpRequestMessage(HttpMethod.Get, url);
        otherTag.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        using (var changed = await client.SendAsync(otherTag))
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Expect_continue_upload_without_credentials_is_refused_before_the_body()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-expect");
        var url = Publishing.Url(project, "expect", "1.0.0", "e.bin");
        var anonymous = await RawHttp.SendHeadersOnlyAsync(Server.BaseAddress, url, contentLength: 10 * 1024 * 1024, token: null);
        Assert.Equal(401, anonymous.Status);
        Assert.Equal("""{"message":"401 Unauthorized"}""", anonymous.Text);
        var invalid = await RawHttp.SendHeadersOnlyAsync(Server.BaseAddress, url, contentLength: 10 * 1024 * 1024, token: "wrong-token-0123456789abc");
        Assert.Equal(401, invalid.Status);
        Assert.Equal("""{"message":"401 Unauthorized"}""", invalid.Text);
    }

    [Fact]
    public async Task Upload_broken_off_mid_body_leaves_nothing_behind()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-broken");
        var url = Publishing.Url(project, "broken", "1.0.0", "half.bin");
        var before = (await TestBackend.BlobKeysAsync(Server)).ToHashSet();

        // 12 of 24 MiB: more than an S3 part, so the write in progress shows on either store before the break.
        await RawHttp.SendPartialBodyAsync(Server.BaseAddress, url, contentLength: 24 * 1024 * 1024, send: 12 * 1024 * 1024, RegistryServer.RootToken,
            receiving: async () => await TestBackend.UnfinishedWritesAsync(Server) > 0);

        using var client = Server.Client(RegistryServer.RootToken);
        await Eventually.HoldsAsync(async () => (await TestBackend.BlobKeysAsync(Server)).ToHashSet().SetEquals(before)
            && await TestBackend.UnfinishedWritesAsync(Server) == 0, "the broken-off upload's writes are gone");
        using var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        using var scope = Server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        Assert.False(await db.Packages.AnyAsync(p => p.ProjectId == project && p.Name == "broken"));
    }
}

/// <summary>A server whose file size limit is small enough to test both sides of it.</summary>
public sealed class SmallLimitFixture : IAsyncLifetime
{
    public const long Limit = 1024 * 1024;
    public RegistryServer Server { get; private set; } = null!;
    public async Task InitializeAsync() =>
        Server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:MaxFileSize"] = Limit.ToString() });
    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class TransferLimitTests(SmallLimitFixture fixture) : IClassFixture<SmallLimitFixture>
{
    private RegistryServer Server => fixture.Server;
    private const long Limit = SmallLimitFixture.Limit;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task File_of_exactly_the_limit_is_refused_and_nothing_is_stored(bool declareLength)
    {
        var project = await Server.CreateUniqueProjectAsync(declareLength ? "tr-lim-cl" : "tr-lim-chunked");
        using var client = Server.Client(RegistryServer.RootToken);
        var url = Publishing.Url(project, "lim", "1.0.0", "at-limit.bin");
        var before = (await TestBackend.BlobKeysAsync(Server)).ToHashSet();

        var content = new GeneratedContent(Limit, seed: 1, declareLength);
        using var put = await client.PutAsync(url, content);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("""{"message":"400 Bad request - File is too large"}""", await put.Content.ReadAsStringAsync());

        using var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await Eventually.HoldsAsync(async () => await TestBackend.UnfinishedWritesAsync(Server) == 0, "the refused upload's temporary write is gone");
        Assert.Equal(before, (await TestBackend.BlobKeysAsync(Server)).ToHashSet());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task File_one_byte_under_the_limit_is_accepted(bool declareLength)
    {
        var project = await Server.CreateUniqueProjectAsync(declareLength ? "tr-under-cl" : "tr-under-chunked");
        using var client = Server.Client(RegistryServer.RootToken);
        var url = Publishing.Url(project, "lim", "1.0.0", "under.bin");

        using var put = await client.PutAsync(url, new GeneratedContent(Limit - 1, seed: 2, declareLength));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var (sha, length) = await StreamHash.Sha256Async(await get.Content.ReadAsStreamAsync());
        Assert.Equal(Limit - 1, length);
        Assert.Equal(GeneratedContent.Sha256(Limit - 1, seed: 2), sha);
    }

    [Fact]
    public async Task Over_limit_is_refused_from_headers_without_the_body()
    {
        var project = await Server.CreateUniqueProjectAsync("tr-lim-expect");
        var url = Publishing.Url(project, "lim", "1.0.0", "e.bin");
        var answer = await RawHttp.SendHeadersOnlyAsync(Server.BaseAddress, url, contentLength: Limit, RegistryServer.RootToken);
        Assert.Equal(400, answer.Status);
        Assert.Equal("""{"message":"400 Bad request - File is too large"}""", answer.Text);
        Assert.Equal(0, await TestBackend.UnfinishedWritesAsync(Server));
    }
}

/// <summary>An upload that stops sending is abandoned after Registry:UploadIdleTimeout, leaving nothing behind.</summary>
public sealed class StalledUploadTests : IAsyncLifetime
{
    private RegistryServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:UploadIdleTimeout"] = "00:00:01" });

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Fact]
    public async Task A_stalled_upload_answers_408_and_stores_nothing()
    {
        await _server.CreateGroupAsync("stall");
        var projectId = await _server.CreateProjectAsync("stall", "app");
        var before = await StoreSnapshot.TakeAsync(_server);
        var url = Publishing.Url(projectId, "stalled", "1.0", "f.bin");

        var answer = await RawHttp.SendThenStallAsync(_server.BaseAddress, url, contentLength: 1024 * 1024, send: 100 * 1024, RegistryServer.RootToken);

        Assert.Equal(408, answer.Status);
        Assert.Equal("""{"message":"408 Request Timeout - the upload stalled"}""", answer.Text);
        await Eventually.HoldsAsync(async () => await StoreSnapshot.TakeAsync(_server) == before, "the stalled upload's writes are gone");
        using var root = _server.Client(RegistryServer.RootToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await root.GetAsync(url)).StatusCode);
    }
}
