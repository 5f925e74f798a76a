using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Schema.Packages;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary><c>status</c> and <c>select</c> on upload, duplicates, unknown coordinates and folders (docs/api-contract.md, Generic packages).</summary>
public sealed class StatusSelectAndDuplicatesTests(ProjectFixture fixture) : IClassFixture<ProjectFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Url(string name, string version, string file) => Publishing.Url(fixture.ProjectId, name, version, file);

    [Fact]
    public async Task Hidden_upload_is_stored_hidden_and_still_downloads()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        var body = Encoding.UTF8.GetBytes("hidden bytes");
        var put = await client.PutAsync(Url("hidden-pkg", "1.0.0", "a.txt") + "?status=hidden", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("""{"message":"201 Created"}""", await put.Content.ReadAsStringAsync());
        Assert.Equal(PackageStatus.Hidden, (await StoreSnapshot.FindPackageAsync(Server, fixture.ProjectId, "hidden-pkg", "1.0.0"))!.Status);

        var get = await client.GetAsync(Url("hidden-pkg", "1.0.0", "a.txt"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());

        // A later upload with status=default makes the package visible again.
        var again = await client.PutAsync(Url("hidden-pkg", "1.0.0", "b.txt") + "?status=default", new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(PackageStatus.Default, (await StoreSnapshot.FindPackageAsync(Server, fixture.ProjectId, "hidden-pkg", "1.0.0"))!.Status);
    }

    [Theory]
    [InlineData("status=foo", "status")]
    [InlineData("status=HIDDEN", "status")]
    [InlineData("status=", "status")]
    [InlineData("select=foo", "select")]
    [InlineData("select=PACKAGE_FILE", "select")]
    [InlineData("select=package_file&status=bogus", "status")]
    public async Task Invalid_status_or_select_is_400_and_stores_nothing(string query, string param)
    {
        var before = await StoreSnapshot.TakeAsync(Server);
        using var client = Server.Client(RegistryServer.RootToken);
        var put = await client.PutAsync(Url("bad-query", "1.0.0", "a.txt") + "?" + query, new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal($$"""{"error":"{{param}} does not have a valid value"}""", await put.Content.ReadAsStringAsync());
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("bad-query", "1.0.0", "a.txt"))).StatusCode);
    }

    [Fact]
    public async Task Select_package_file_describes_the_stored_file()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        var body = Encoding.UTF8.GetBytes("select me");
        var first = await PutSelectAsync(client, Url("select-pkg", "2.0.0", "one.bin"), body);
        var second = await PutSelectAsync(client, Url("select-pkg", "2.0.0", "two.bin"), [9]);

        Assert.Equal(body.Length, first.GetProperty("size").GetInt64());
        Assert.Equal("one.bin", first.GetProperty("file_name").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), first.GetProperty("file_sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(body)), first.GetProperty("file_sha1").GetString());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), first.GetProperty("file_md5").GetString());
        Assert.Equal(TestBackend.IsPostgresS3 ? 2 : 1, first.GetProperty("file_store").GetInt32());
        Assert.Equal(first.GetProperty("created_at").GetString(), first.GetProperty("updated_at").GetString());
        Assert.EndsWith("/one.bin", first.GetProperty("file").GetProperty("url").GetString());

        var package = await StoreSnapshot.FindPackageAsync(Server, fixture.ProjectId, "select-pkg", "2.0.0");
        Assert.Equal(package!.Id, first.GetProperty("package_id").GetInt64());
        Assert.Equal(package.Id, second.GetProperty("package_id").GetInt64());
        Assert.True(second.GetProperty("id").GetInt64() > first.GetProperty("id").GetInt64());
        Assert.Equal(first.GetProperty("id").GetInt64(), package.Files.Single(f => f.FileName == "one.bin").Id);
    }

    [Fact]
    public async Task Duplicate_upload_is_kept_and_the_newest_is_served()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        var url = Url("dup-pkg", "1.0.0", "dup.txt");
        var older = Encoding.UTF8.GetBytes("first version of the file");
        var newer = Encoding.UTF8.GetBytes("second");
        var a = await PutSelectAsync(client, url, older);
        var b = await PutSelectAsync(client, url, newer);
        Assert.NotEqual(a.GetProperty("id").GetInt64(), b.GetProperty("id").GetInt64());
        Assert.Equal(a.GetProperty("package_id").GetInt64(), b.GetProperty("package_id").GetInt64());

        var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(newer, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(newer)), get.Headers.GetValues("X-Checksum-SHA256").Single());

        var package = await StoreSnapshot.FindPackageAsync(Server, fixture.ProjectId, "dup-pkg", "1.0.0");
        Assert.Equal(2, package!.Files.Count(f => f.FileName == "dup.txt"));
    }

    [Fact]
    public async Task Unknown_package_or_file_is_404_with_a_message()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        Assert.Equal(HttpStatusCode.Created,
            (await client.PutAsync(Url("known-pkg", "1.0.0", "known.txt"), new ByteArrayContent([1]))).StatusCode);

        foreach (var url in new[]
                 {
                     Url("unknown-pkg", "1.0.0", "known.txt"), // no such package
                     Url("known-pkg", "9.9.9", "known.txt"), // no such version
                     Url("known-pkg", "1.0.0", "unknown.txt"), // no such file in the package
                     Url("known-pkg", "1.0.0", "dir/known.txt"), // the file is not in that folder
                 })
        {
            var get = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
            var message = (await get.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString();
            Assert.StartsWith("404 ", message);
            Assert.EndsWith("Not Found", message, StringComparison.OrdinalIgnoreCase);
        }

        var noProject = await client.GetAsync(Publishing.Url(999999, "known-pkg", "1.0.0", "known.txt"));
        Assert.Equal(HttpStatusCode.NotFound, noProject.StatusCode);
        Assert.Equal("""{"message":"404 Project Not Found"}""", await noProject.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task File_in_a_folder_uploads_and_downloads()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        var body = Encoding.UTF8.GetBytes("in a folder");
        var record = await PutSelectAsync(client, Url("folder-pkg", "1.0.0", "path/to/file.txt"), body);
        Assert.Equal("path/to/file.txt", record.GetProperty("file_name").GetString());

        var get = await client.GetAsync(Url("folder-pkg", "1.0.0", "path/to/file.txt"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment; filename=\"file.txt\"; filename*=UTF-8''file.txt",
            get.Content.Headers.GetValues("Content-Disposition").Single());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("folder-pkg", "1.0.0", "file.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("folder-pkg", "1.0.0", "to/file.txt"))).StatusCode);
    }

    [Theory]
    [InlineData("path/../file.txt")]
    [InlineData("path/./file.txt")]
    [InlineData("./file.txt")]
    [InlineData("path/%2e%2e/file.txt")]
    [InlineData("path/%2E%2E/file.txt")]
    [InlineData("path/%2e/file.txt")]
    [InlineData("path%2f..%2ffile.txt")]
    [InlineData("path/..%2f..%2ffile.txt")]
    [InlineData("path//file.txt")]
    [InlineData("path/to~/file.txt")]
    public async Task Dot_or_empty_folder_segments_are_refused(string filePath)
    {
        var before = await StoreSnapshot.TakeAsync(Server);
        var target = Url("folder-refused", "1.0.0", filePath);
        foreach (var method in new[] { "PUT", "GET" })
        {
            var response = method == "PUT"
                ? await RawHttp.PutAsync(Server.BaseAddress, target, RegistryServer.RootToken, [1, 2])
                : await RawHttp.GetAsync(Server.BaseAddress, target, RegistryServer.RootToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {(int)response.StatusCode}: {response.Text}");
            Assert.Matches("^(path|file_name) is invalid$", response.Json.GetProperty("error").GetString());
        }
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
    }

    private static async Task<JsonElement> PutSelectAsync(HttpClient client, string url, byte[] body)
    {
        var put = await client.PutAsync(url + "?select=package_file", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return await put.Content.ReadFromJsonAsync<JsonElement>();
    }
}
