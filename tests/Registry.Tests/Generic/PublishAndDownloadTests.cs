using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

public sealed class PublishAndDownloadTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Published_file_downloads_byte_exact_with_gitlab_headers()
    {
        await Server.CreateGroupAsync("pd-group");
        var projectId = await Server.CreateProjectAsync("pd-group", "app");
        using var client = Server.Client(RegistryServer.RootToken);
        var body = RandomNumberGenerator.GetBytes(4096);

        var put = await client.PutAsync(Publishing.Url("pd-group/app", "my_package", "0.0.1", "file.txt"), new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("""{"message":"201 Created"}""", await put.Content.ReadAsStringAsync());

        var get = await client.GetAsync(Publishing.Url(projectId, "my_package", "0.0.1", "file.txt"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=\"file.txt\"; filename*=UTF-8''file.txt", get.Content.Headers.GetValues("Content-Disposition").Single());
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(sha, get.Headers.GetValues("X-Checksum-SHA256").Single());
        Assert.Equal($"\"{sha}\"", get.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Select_package_file_returns_the_record()
    {
        await Server.CreateGroupAsync("sel-group");
        var projectId = await Server.CreateProjectAsync("sel-group", "app");
        using var client = Server.Client(RegistryServer.RootToken);
        var put = await client.PutAsync(Publishing.Url(projectId, "pkg", "1.0.0", "a.bin") + "?select=package_file", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var json = await put.Content.ReadFromJsonAsync<JsonElement>();
        string[] expected = ["id", "package_id", "created_at", "updated_at", "size", "file_store", "file_md5", "file_sha1", "file_name", "file", "file_sha256"];
        Assert.Equal(expected, json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0, json.GetProperty("size").GetInt64());
        Assert.Equal("a.bin", json.GetProperty("file_name").GetString());
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", json.GetProperty("file_sha256").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", json.GetProperty("created_at").GetString());
        Assert.StartsWith("/", json.GetProperty("file").GetProperty("url").GetString());
    }
}
