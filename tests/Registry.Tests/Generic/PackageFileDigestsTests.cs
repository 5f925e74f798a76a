using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>
/// <c>Registry:PackageFileDigests</c>: GitLab's three digests by default, or SHA-256 alone, through every API that shows
/// them. Bodies of several upload chunks (1 MiB each) with a ragged end, so the chunked, parallel hashing is covered.
/// </summary>
public sealed class PackageFileDigestsTests
{
    private const int Size = 3 * 1024 * 1024 + 12_345;

    [Fact]
    public async Task By_default_the_three_digests_of_a_multi_chunk_upload_are_right_in_every_answer()
    {
        await using var server = await RegistryServer.StartAsync();
        var body = RandomNumberGenerator.GetBytes(Size);
        var files = await PublishAndReadBackAsync(server, body);

        foreach (var file in files)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), file.Sha256);
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(body)), file.Sha1);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), file.Md5);
        }
    }

    [Fact]
    public async Task With_sha256_alone_md5_and_sha1_are_null_in_every_answer_and_content_md5_is_still_checked()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:PackageFileDigests"] = "Sha256" });
        var body = RandomNumberGenerator.GetBytes(Size);
        var files = await PublishAndReadBackAsync(server, body);

        foreach (var file in files)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), file.Sha256);
            Assert.Null(file.Sha1);
            Assert.Null(file.Md5);
        }

        // A client's Content-MD5 is checked even though MD5 is not recorded: a wrong one is refused, a right one stored without it.
        using var root = server.Client(RegistryServer.RootToken);
        var project = await server.CreateUniqueProjectAsync("dg-md5");
        var url = Publishing.Url(project, "md5", "1.0.0", "f.bin");
        var wrong = new ByteArrayContent(body);
        wrong.Headers.TryAddWithoutValidation("Content-MD5", Convert.ToBase64String(MD5.HashData([1, 2, 3])));
        using (var refused = await root.PutAsync(url, wrong)) Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(url)).StatusCode);
        var right = new ByteArrayContent(body);
        right.Headers.TryAddWithoutValidation("Content-MD5", Convert.ToBase64String(MD5.HashData(body)));
        using var accepted = await root.PutAsync(url + "?select=package_file", right);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var json = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("file_md5").ValueKind);
    }

    [Fact]
    public async Task With_sha256_alone_a_resumable_upload_records_no_md5_or_sha1_either()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:PackageFileDigests"] = "Sha256" });
        var body = RandomNumberGenerator.GetBytes(Size);
        var project = await server.CreateUniqueProjectAsync("dg-tus");
        using var root = server.Client(RegistryServer.RootToken);
        using var created = await root.SendAsync(TusRequests.Create(Publishing.Url(project, "tus", "1.0.0", "f.bin"), body.Length));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Two PATCHes: the running digests carry over from one to the next.
        foreach (var (offset, length) in new[] { (0, Size / 2), (Size / 2, Size - Size / 2) })
        {
            using var patched = await root.SendAsync(TusRequests.Patch(created.Headers.Location!.PathAndQuery, offset, body, offset, length));
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }

        var file = JsonDocument.Parse(await root.GetStringAsync($"/api/v4/projects/{project}/packages")).RootElement.EnumerateArray().Single();
        var stored = JsonDocument.Parse(await root.GetStringAsync($"/api/v4/projects/{project}/packages/{file.GetProperty("id").GetInt64()}/package_files"))
            .RootElement.EnumerateArray().Single();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), stored.GetProperty("file_sha256").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("file_md5").ValueKind);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("file_sha1").ValueKind);
    }

    private sealed record Digests(string? Sha256, string? Sha1, string? Md5);

    /// <summary>The file's digests as the upload's <c>select=package_file</c> answer, REST's package_files and GraphQL give them.</summary>
    private static async Task<Digests[]> PublishAndReadBackAsync(RegistryServer server, byte[] body)
    {
        var project = await server.CreateUniqueProjectAsync("dg");
        using var root = server.Client(RegistryServer.RootToken);
        using var put = await root.PutAsync(Publishing.Url(project, "digests", "1.0.0", "f.bin") + "?select=package_file",
            new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var uploaded = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(body, await root.GetByteArrayAsync(Publishing.Url(project, "digests", "1.0.0", "f.bin")));

        var packageId = uploaded.GetProperty("package_id").GetInt64();
        var rest = JsonDocument.Parse(await root.GetStringAsync($"/api/v4/projects/{project}/packages/{packageId}/package_files"))
            .RootElement.EnumerateArray().Single();
        var graphql = (await server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { packageFiles { nodes { fileSha256 fileSha1 fileMd5 } } } }",
            new { id = $"gid://gitlab/Packages::Package/{packageId}" })).GetProperty("package").GetProperty("packageFiles").GetProperty("nodes")[0];
        return
        [
            new(Text(uploaded, "file_sha256"), Text(uploaded, "file_sha1"), Text(uploaded, "file_md5")),
            new(Text(rest, "file_sha256"), Text(rest, "file_sha1"), Text(rest, "file_md5")),
            new(Text(graphql, "fileSha256"), Text(graphql, "fileSha1"), Text(graphql, "fileMd5")),
        ];
    }

    private static string? Text(JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? null : e.GetProperty(name).GetString();
}
