using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.AccessTokens;

/// <summary>
/// Deploy tokens beyond the project matrix: a group's tokens act in every project below the group and nowhere else,
/// and a write token deletes over REST (docs/api-contract.md, Access: delete packages/files with WRITE_PACKAGE_REGISTRY).
/// </summary>
public sealed class DeployTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private static async Task AssertAnswerAsync(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        using var _ = response;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_group_deploy_token_acts_in_projects_below_its_group_only()
    {
        await Server.CreateGroupAsync("gdt");
        await Server.CreateGroupAsync("sub", parentPath: "gdt");
        var top = await Server.CreateProjectAsync("gdt", "app");
        var deep = await Server.CreateProjectAsync("gdt/sub", "deep");
        await Server.CreateGroupAsync("gdt-other");
        var other = await Server.CreateProjectAsync("gdt-other", "app");
        foreach (var project in new[] { top, deep, other }) await Server.PublishAsync(project, "pkg", "1.0", "f.txt", "group token");
        var (read, readUser) = await Server.CreateGroupDeployTokenAsync("gdt", "READ_PACKAGE_REGISTRY");
        var (write, _) = await Server.CreateGroupDeployTokenAsync("gdt", "WRITE_PACKAGE_REGISTRY");
        Assert.StartsWith("gitlab+deploy-token-", readUser);

        using var reader = Server.Client(h => h.Add("DEPLOY-TOKEN", read));
        using var writer = Server.Client(h => h.Add("DEPLOY-TOKEN", write));
        using var basic = Server.Client(h => h.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{readUser}:{read}"))));
        foreach (var project in new[] { top, deep })
        {
            var url = Publishing.Url(project, "pkg", "1.0", "f.txt");
            Assert.Equal("group token", await reader.GetStringAsync(url));
            Assert.Equal("group token", await basic.GetStringAsync(url));
            await AssertAnswerAsync(await reader.PutAsync(Publishing.Url(project, "pkg", "1.0", "by-reader.txt"), new ByteArrayContent([1])),
                HttpStatusCode.Forbidden, """{"message":"403 Forbidden"}""");
            await AssertAnswerAsync(await writer.PutAsync(Publishing.Url(project, "pkg", "1.0", "by-writer.txt"), new ByteArrayContent([2])),
                HttpStatusCode.Created, """{"message":"201 Created"}""");
            Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(project, "pkg", "1.0", "by-reader.txt")).Status);
            Assert.Equal([2], (await Server.DownloadAsync(project, "pkg", "1.0", "by-writer.txt")).Body);
        }

        // Another group's private project: neither token may know it exists.
        foreach (var client in new[] { reader, writer })
        {
            await AssertAnswerAsync(await client.GetAsync(Publishing.Url(other, "pkg", "1.0", "f.txt")),
                HttpStatusCode.NotFound, """{"message":"404 Project Not Found"}""");
            await AssertAnswerAsync(await client.PutAsync(Publishing.Url(other, "pkg", "1.0", "intruder.txt"), new ByteArrayContent([3])),
                HttpStatusCode.NotFound, """{"message":"404 Project Not Found"}""");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(other, "pkg", "1.0", "intruder.txt")).Status);
    }

    [Fact]
    public async Task A_write_deploy_token_deletes_over_rest_and_a_read_token_is_refused()
    {
        await Server.CreateGroupAsync("dtdel");
        var project = await Server.CreateProjectAsync("dtdel", "app");
        var (read, _) = await Server.CreateDeployTokenAsync("dtdel/app", "READ_PACKAGE_REGISTRY");
        var (write, _) = await Server.CreateDeployTokenAsync("dtdel/app", "WRITE_PACKAGE_REGISTRY");
        using var reader = Server.Client(h => h.Add("DEPLOY-TOKEN", read));
        using var writer = Server.Client(h => h.Add("DEPLOY-TOKEN", write));

        var package = (await Server.PublishAsync(project, "whole", "1.0", "a.txt", "a")).GetProperty("package_id").GetInt64();
        var file = await Server.PublishAsync(project, "onefile", "1.0", "b.txt", "b");
        var fileId = file.GetProperty("id").GetInt64();
        var filePackage = file.GetProperty("package_id").GetInt64();
        await Server.PublishAsync(project, "byname", "1.0", "c.txt", "c");

        var deletes = new[]
        {
            $"/api/v4/projects/{project}/packages/{package}",
            $"/api/v4/projects/{project}/packages/{filePackage}/package_files/{fileId}",
            Publishing.Url(project, "byname", "1.0", "c.txt"),
        };
        foreach (var url in deletes)
        {
            await AssertAnswerAsync(await reader.DeleteAsync(url), HttpStatusCode.Forbidden, """{"message":"403 Forbidden"}""");
        }
        Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync(project, "whole", "1.0", "a.txt")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync(project, "onefile", "1.0", "b.txt")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync(project, "byname", "1.0", "c.txt")).Status);

        foreach (var url in deletes)
        {
            using var deleted = await writer.DeleteAsync(url);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(project, "whole", "1.0", "a.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(project, "onefile", "1.0", "b.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(project, "byname", "1.0", "c.txt")).Status);
    }
}
