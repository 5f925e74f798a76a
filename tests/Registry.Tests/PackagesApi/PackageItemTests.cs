using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

public sealed class PackageItemTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private static readonly JsonElement NotFound = JsonDocument.Parse("""{"message":"404 Not found"}""").RootElement;

    private async Task<(long ProjectId, HttpClient Root)> ProjectAsync(string group)
    {
        await Server.CreateGroupAsync(group);
        return (await Server.CreateProjectAsync(group, "app"), Server.Client(RegistryServer.RootToken));
    }

    [Fact]
    public async Task Package_details_and_404s_for_hidden_and_other_projects_packages()
    {
        var (projectId, root) = await ProjectAsync("pi-detail");
        var otherId = await Server.CreateProjectAsync("pi-detail", "other");
        var visible = (await Server.PublishAsync(projectId, "pkg", "1.0.0")).GetProperty("package_id").GetInt64();
        var hidden = (await Server.PublishAsync(projectId, "pkg", "2.0.0", status: "hidden")).GetProperty("package_id").GetInt64();
        var foreign = (await Server.PublishAsync(otherId, "pkg", "1.0.0")).GetProperty("package_id").GetInt64();

        var details = await root.GetOkAsync($"/api/v4/projects/pi-detail%2Fapp/packages/{visible}");
        Assert.Equal(visible, details.GetProperty("id").GetInt64());
        Assert.Equal("1.0.0", details.GetProperty("version").GetString());
        Assert.False(details.TryGetProperty("project_id", out _));

        foreach (var url in new[]
        {
            $"/api/v4/projects/{projectId}/packages/{hidden}",
            $"/api/v4/projects/{projectId}/packages/{foreign}",
            $"/api/v4/projects/{projectId}/packages/999999",
            $"/api/v4/projects/{projectId}/packages/{foreign}/package_files",
        })
        {
            var (response, body) = await root.GetJsonAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(NotFound.GetRawText(), body.GetRawText());
        }
        var (bad, badBody) = await root.GetJsonAsync($"/api/v4/projects/{projectId}/packages/abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("""{"error":"package_id is invalid"}""", badBody.GetRawText());
    }

    [Fact]
    public async Task Package_files_list_with_order_sort_and_paging()
    {
        var (projectId, root) = await ProjectAsync("pi-files");
        var b = await Server.PublishAsync(projectId, "pkg", "1.0.0", "b.txt", "bb");
        var a = await Server.PublishAsync(projectId, "pkg", "1.0.0", "a.txt", "a");
        var c = await Server.PublishAsync(projectId, "pkg", "1.0.0", "dir/c.txt", "ccc");
        var packageId = a.GetProperty("package_id").GetInt64();
        var url = $"/api/v4/projects/{projectId}/packages/{packageId}/package_files";
        long Id(JsonElement f) => f.GetProperty("id").GetInt64();
        long[] Ids(JsonElement list) => list.EnumerateArray().Select(Id).ToArray();

        var files = await root.GetOkAsync(url);
        Assert.Equal([Id(b), Id(a), Id(c)], Ids(files));
        var first = files[1];
        Assert.Equal(["id", "package_id", "created_at", "file_name", "size", "file_md5", "file_sha1", "file_sha256"],
            first.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(a.GetProperty("file_sha256").GetString(), first.GetProperty("file_sha256").GetString());
        Assert.Equal(a.GetProperty("created_at").GetString(), first.GetProperty("created_at").GetString());
        Assert.Equal(1, first.GetProperty("size").GetInt64());
        Assert.Equal(packageId, first.GetProperty("package_id").GetInt64());

        Assert.Equal([Id(c), Id(a), Id(b)], Ids(await root.GetOkAsync(url + "?sort=desc")));
        Assert.Equal([Id(b), Id(a), Id(c)], Ids(await root.GetOkAsync(url + "?order_by=created_at")));
        Assert.Equal([Id(c), Id(a), Id(b)], Ids(await root.GetOkAsync(url + "?order_by=created_at&sort=desc")));
        Assert.Equal([Id(a), Id(b), Id(c)], Ids(await root.GetOkAsync(url + "?order_by=file_name")));
        Assert.Equal([Id(c), Id(b), Id(a)], Ids(await root.GetOkAsync(url + "?order_by=file_name&sort=desc")));

        var paged = await root.GetAsync(url + "?per_page=2&page=2");
        Assert.Equal([Id(c)], Ids(JsonDocument.Parse(await paged.Content.ReadAsStringAsync()).RootElement));
        Assert.Equal("3", paged.Header("X-Total"));
        Assert.Equal("2", paged.Header("X-Total-Pages"));
        Assert.Equal("1", paged.Header("X-Prev-Page"));
        Assert.Equal("", paged.Header("X-Next-Page"));
        Assert.Equal(new[] { "prev", "first", "last" }, paged.Links().Keys.ToArray());

        var (response, body) = await root.GetJsonAsync(url + "?order_by=name");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"order_by does not have a valid value"}""", body.GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, (await root.GetAsync(url + "?sort=sideways")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await root.GetAsync(url + "?per_page=500")).StatusCode);
    }

    [Fact]
    public async Task File_download_streams_the_blob_with_the_generic_headers()
    {
        var (projectId, root) = await ProjectAsync("pi-download");
        var other = await Server.CreateProjectAsync("pi-download", "other");
        var body = RandomNumberGenerator.GetBytes(10_000);
        using var put = await root.PutAsync(Publishing.Url(projectId, "pkg", "1.0.0", "dir/data.bin") + "?select=package_file", new ByteArrayContent(body));
        var record = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        var url = $"/api/v4/projects/{projectId}/packages/{record.GetProperty("package_id")}/package_files/{record.GetProperty("id")}/download";

        using var get = await root.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=\"data.bin\"; filename*=UTF-8''data.bin", get.Content.Headers.GetValues("Content-Disposition").Single());
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(sha, get.Header("X-Checksum-SHA256"));
        Assert.Equal($"\"{sha}\"", get.Headers.ETag!.Tag);

        using var head = await root.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(sha, head.Header("X-Checksum-SHA256"));

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new(100, 199);
        using var partial = await root.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(body[100..200], await partial.Content.ReadAsByteArrayAsync());

        var wrongFile = $"/api/v4/projects/{projectId}/packages/{record.GetProperty("package_id")}/package_files/999999/download";
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(wrongFile)).StatusCode);
        var wrongProject = $"/api/v4/projects/{other}/packages/{record.GetProperty("package_id")}/package_files/{record.GetProperty("id")}/download";
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(wrongProject)).StatusCode);
        using var anonymous = Server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_package_is_204_then_gone_and_developers_get_403()
    {
        var (projectId, root) = await ProjectAsync("pi-delete");
        var record = await Server.PublishAsync(projectId, "doomed", "1.0.0");
        await Server.PublishAsync(projectId, "kept", "1.0.0");
        var packageId = record.GetProperty("package_id").GetInt64();
        var url = $"/api/v4/projects/{projectId}/packages/{packageId}";

        var devToken = await Server.CreateUserWithTokenAsync("pi-dev");
        await Server.AddProjectMemberAsync("pi-delete/app", "pi-dev", "DEVELOPER");
        using var developer = Server.Client(devToken);
        var refused = await developer.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("""{"message":"403 Forbidden"}""", await refused.Content.ReadAsStringAsync());
        Assert.False((await developer.GetOkAsync($"/api/v4/projects/{projectId}/packages"))[0].GetProperty("_links").TryGetProperty("delete_api_path", out _));

        var maintainerToken = await Server.CreateUserWithTokenAsync("pi-maintainer");
        await Server.AddProjectMemberAsync("pi-delete/app", "pi-maintainer", "MAINTAINER");
        using var maintainer = Server.Client(maintainerToken);
        var deleted = await maintainer.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("", await deleted.Content.ReadAsStringAsync());

        Assert.Equal(["kept"], (await root.GetOkAsync($"/api/v4/projects/{projectId}/packages")).Names());
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync($"{url}/package_files/{record.GetProperty("id")}/download")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(projectId, "doomed", "1.0.0", "file.txt"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.DeleteAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_file_is_204_then_gone_and_write_deploy_tokens_may_delete()
    {
        var (projectId, root) = await ProjectAsync("pi-delfile");
        var other = await Server.CreateProjectAsync("pi-delfile", "other");
        var first = await Server.PublishAsync(projectId, "pkg", "1.0.0", "a.txt", "old");
        var second = await Server.PublishAsync(projectId, "pkg", "1.0.0", "a.txt", "new");
        var foreign = await Server.PublishAsync(other, "pkg", "1.0.0", "a.txt", "x");
        var packageId = first.GetProperty("package_id").GetInt64();
        var files = $"/api/v4/projects/{projectId}/packages/{packageId}/package_files";

        var devToken = await Server.CreateUserWithTokenAsync("pi-filedev");
        await Server.AddProjectMemberAsync("pi-delfile/app", "pi-filedev", "DEVELOPER");
        using var developer = Server.Client(devToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.DeleteAsync($"{files}/{second.GetProperty("id")}")).StatusCode);

        var (readToken, _) = await Server.CreateDeployTokenAsync("pi-delfile/app", "READ_PACKAGE_REGISTRY");
        using var reader = Server.Client(h => h.Add("DEPLOY-TOKEN", readToken));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync($"{files}/{second.GetProperty("id")}")).StatusCode);

        var (writeToken, _) = await Server.CreateDeployTokenAsync("pi-delfile/app", "WRITE_PACKAGE_REGISTRY");
        using var writer = Server.Client(h => h.Add("DEPLOY-TOKEN", writeToken));
        Assert.Equal(HttpStatusCode.NotFound, (await writer.DeleteAsync($"{files}/{foreign.GetProperty("id")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync($"{files}/{second.GetProperty("id")}")).StatusCode);

        var remaining = await root.GetOkAsync(files);
        Assert.Equal([first.GetProperty("id").GetInt64()], remaining.EnumerateArray().Select(f => f.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync($"{files}/{second.GetProperty("id")}/download")).StatusCode);
        // The generic download now serves the older file of that name.
        Assert.Equal("old", await root.GetStringAsync(Publishing.Url(projectId, "pkg", "1.0.0", "a.txt")));
        Assert.Equal(HttpStatusCode.NotFound, (await writer.DeleteAsync($"{files}/{second.GetProperty("id")}")).StatusCode);
        // The other project's file is untouched.
        Assert.Equal("x", await root.GetStringAsync(Publishing.Url(other, "pkg", "1.0.0", "a.txt")));
    }

    [Fact]
    public async Task Hidden_packages_can_be_deleted_by_id()
    {
        var (projectId, root) = await ProjectAsync("pi-delhidden");
        var packageId = (await Server.PublishAsync(projectId, "pkg", "1.0.0", status: "hidden")).GetProperty("package_id").GetInt64();
        var listed = await root.GetOkAsync($"/api/v4/projects/{projectId}/packages?status=hidden");
        var deletePath = listed[0].GetProperty("_links").GetProperty("delete_api_path").GetString()!;
        Assert.EndsWith($"/api/v4/projects/{projectId}/packages/{packageId}", deletePath);
        Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync(deletePath)).StatusCode);
        Assert.Equal(0, (await root.GetOkAsync($"/api/v4/projects/{projectId}/packages?status=hidden")).GetArrayLength());
    }
}
