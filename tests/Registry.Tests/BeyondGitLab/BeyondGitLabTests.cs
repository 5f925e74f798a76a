using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;
using Registry.Tests.PackagesApi;

namespace Registry.Tests.BeyondGitLab;

/// <summary>Issue 4, part 2: what GitLab's users asked for, through real HTTP.</summary>
public sealed class BeyondGitLabTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<(long ProjectId, HttpClient Root)> ProjectAsync(string group)
    {
        await Server.CreateGroupAsync(group);
        return (await Server.CreateProjectAsync(group, "app"), Server.Client(RegistryServer.RootToken));
    }

    [Fact]
    public async Task Delete_by_name_removes_every_file_of_that_name_then_the_version()
    {
        var (pid, root) = await ProjectAsync("bg-delete");
        await Server.CreateUserWithTokenAsync("bg-delete-dev");
        await Server.AddProjectMemberAsync("bg-delete/app", "bg-delete-dev", "DEVELOPER");
        var devToken = await Server.CreatePersonalAccessTokenAsync("bg-delete-dev", ["API"]);
        await Server.PublishAsync(pid, "tool", "1.0", "a.bin", "first");
        await Server.PublishAsync(pid, "tool", "1.0", "a.bin", "second");
        await Server.PublishAsync(pid, "tool", "1.0", "b.bin", "other");

        using var dev = Server.Client(devToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.DeleteAsync(Publishing.Url(pid, "tool", "1.0", "a.bin"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync(Publishing.Url(pid, "tool", "1.0", "a.bin"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(pid, "tool", "1.0", "a.bin"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.DeleteAsync(Publishing.Url(pid, "tool", "1.0", "a.bin"))).StatusCode);
        Assert.Equal("other", await root.GetStringAsync(Publishing.Url(pid, "tool", "1.0", "b.bin")));

        var (deploy, _) = await Server.CreateDeployTokenAsync("bg-delete/app", "WRITE_PACKAGE_REGISTRY");
        using var writer = Server.Client(h => h.Add("DEPLOY-TOKEN", deploy));
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync(Publishing.Url(pid, "tool", "1.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(pid, "tool", "1.0", "b.bin"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await root.DeleteAsync(Publishing.Url(pid, "tool", "1.0"))).StatusCode);
        var list = await root.GetOkAsync($"/api/v4/projects/{pid}/packages");
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task Latest_resolves_by_semver_precedence_skipping_hidden_versions()
    {
        var (pid, root) = await ProjectAsync("bg-latest");
        foreach (var v in new[] { "1.9.0", "1.10.0", "1.10.0-rc.1", "2.0.0-beta" }) await Server.PublishAsync(pid, "app", v, "app.bin", v);
        await Server.PublishAsync(pid, "app", "3.0.0", "app.bin", "3.0.0", status: "hidden");
        await Server.PublishAsync(pid, "app", "9.9.9", "other.bin", "no app.bin here");

        var response = await root.GetAsync(Publishing.Url(pid, "app", "latest", "app.bin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2.0.0-beta", await response.Content.ReadAsStringAsync());
        Assert.Equal("2.0.0-beta", response.Header("X-Package-Version"));
        Assert.Equal($"{Server.BaseAddress.ToString().TrimEnd('/')}/api/v4/projects/{pid}/packages/generic/app/2.0.0-beta/app.bin",
            response.Content.Headers.ContentLocation!.OriginalString);

        // A version literally named "latest" is served as itself.
        await Server.PublishAsync(pid, "app", "latest", "app.bin", "literal");
        Assert.Equal("literal", await root.GetStringAsync(Publishing.Url(pid, "app", "latest", "app.bin")));
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(pid, "nothing", "latest", "app.bin"))).StatusCode);
    }

    [Fact]
    public async Task A_version_lists_its_files_and_zips_them_with_checksums()
    {
        var (pid, root) = await ProjectAsync("bg-zip");
        var big = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await root.PutAsync(Publishing.Url(pid, "bundle", "1.0", "big.bin"), new ByteArrayContent(big));
        await Server.PublishAsync(pid, "bundle", "1.0", "docs/readme.txt", "old");
        await Server.PublishAsync(pid, "bundle", "1.0", "docs/readme.txt", "new");

        var listing = await root.GetOkAsync(Publishing.Url(pid, "bundle", "1.0"));
        Assert.Equal(["big.bin", "docs/readme.txt"], listing.EnumerateArray().Select(f => f.GetProperty("file_name").GetString()!).ToArray());
        var readme = listing[1];
        Assert.Equal(3, readme.GetProperty("size").GetInt64());
        Assert.Equal(Hex(Encoding.UTF8.GetBytes("new")), readme.GetProperty("file_sha256").GetString());
        Assert.EndsWith($"/api/v4/projects/{pid}/packages/generic/bundle/1.0/docs/readme.txt", readme.GetProperty("download_url").GetString());

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, Publishing.Url(pid, "bundle", "1.0") + "?format=zip"),
            new HttpRequestMessage(HttpMethod.Get, Publishing.Url(pid, "bundle", "1.0")) { Headers = { { "Accept", "application/zip" } } },
        })
        {
            using var response = await root.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
            using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
            var entries = zip.Entries.ToDictionary(e => e.FullName, e => ReadAll(e));
            Assert.Equal(["SHA256SUMS", "big.bin", "docs/readme.txt"], entries.Keys.Order(StringComparer.Ordinal).ToArray());
            Assert.Equal(big, entries["big.bin"]);
            Assert.Equal("new", Encoding.UTF8.GetString(entries["docs/readme.txt"]));
            var sums = Encoding.UTF8.GetString(entries["SHA256SUMS"]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split("  ")).ToDictionary(p => p[1], p => p[0]);
            Assert.Equal(2, sums.Count);
            foreach (var (name, digest) in sums) Assert.Equal(Hex(entries[name]), digest);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(pid, "bundle", "2.0") + "?format=zip")).StatusCode);
    }

    public static TheoryData<string, Func<byte[], string>, bool> DigestHeaders => new()
    {
        { "X-Checksum-Sha256", b => Hex(b), true },
        { "X-Checksum-Sha256", b => Hex(Encoding.UTF8.GetBytes("other")), false },
        { "Content-Digest", b => $"sha-256=:{Convert.ToBase64String(SHA256.HashData(b))}:", true },
        { "Content-Digest", b => $"sha-512=:AAAA:, sha-256=:{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("x")))}:", false },
        { "Content-MD5", b => Convert.ToBase64String(MD5.HashData(b)), true },
        { "Content-MD5", b => Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes("x"))), false },
    };

    [Theory]
    [MemberData(nameof(DigestHeaders))]
    public async Task Declared_digests_are_checked_and_a_mismatch_stores_nothing(string header, Func<byte[], string> value, bool matches)
    {
        var (pid, root) = await ProjectAsync("bg-digest-" + Guid.NewGuid().ToString("N")[..8]);
        var body = RandomNumberGenerator.GetBytes(200_000);
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation(header, value(body));
        var request = new HttpRequestMessage(HttpMethod.Put, Publishing.Url(pid, "checked", "1.0", "f.bin")) { Content = content };
        if (header == "X-Checksum-Sha256") { request.Headers.Add(header, value(body)); content.Headers.Remove(header); }
        using var response = await root.SendAsync(request);
        if (matches)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(body, await root.GetByteArrayAsync(Publishing.Url(pid, "checked", "1.0", "f.bin")));
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("""{"message":"400 Bad request - Checksum mismatch"}""", await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await root.GetAsync(Publishing.Url(pid, "checked", "1.0", "f.bin"))).StatusCode);
        }
    }

    [Fact]
    public async Task An_identical_retry_succeeds_when_duplicates_are_refused_and_stores_nothing()
    {
        var (pid, root) = await ProjectAsync("bg-retry");
        var data = await Server.GraphQLAsync("""mutation { updateNamespacePackageSettings(input: {namespacePath: "bg-retry", genericDuplicatesAllowed: false}) { errors } }""");
        Assert.Equal(0, data.GetProperty("updateNamespacePackageSettings").GetProperty("errors").GetArrayLength());

        var first = await Server.PublishAsync(pid, "ci", "1.0", "out.tar", "payload");
        var blobsBefore = (await TestBackend.BlobKeysAsync(Server)).Count;

        var plain = await root.PutAsync(Publishing.Url(pid, "ci", "1.0", "out.tar"), new ByteArrayContent(Encoding.UTF8.GetBytes("payload")));
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        var again = await Server.PublishAsync(pid, "ci", "1.0", "out.tar", "payload");
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());

        var declared = new HttpRequestMessage(HttpMethod.Put, Publishing.Url(pid, "ci", "1.0", "out.tar")) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("payload")) };
        declared.Headers.Add("X-Checksum-Sha256", Hex(Encoding.UTF8.GetBytes("payload")));
        Assert.Equal(HttpStatusCode.Created, (await root.SendAsync(declared)).StatusCode);

        var different = await root.PutAsync(Publishing.Url(pid, "ci", "1.0", "out.tar"), new ByteArrayContent(Encoding.UTF8.GetBytes("changed")));
        Assert.Equal(HttpStatusCode.BadRequest, different.StatusCode);
        Assert.Equal("""{"message":"400 Bad request - Duplicate package is not allowed"}""", await different.Content.ReadAsStringAsync());

        Assert.Equal(blobsBefore, (await TestBackend.BlobKeysAsync(Server)).Count);
        var files = await root.GetOkAsync($"/api/v4/projects/{pid}/packages/{first.GetProperty("package_id").GetInt64()}/package_files");
        Assert.Equal(1, files.GetArrayLength());
        Assert.Equal("payload", await root.GetStringAsync(Publishing.Url(pid, "ci", "1.0", "out.tar")));
    }

    [Fact]
    public async Task Downloads_set_last_downloaded_at()
    {
        var (pid, root) = await ProjectAsync("bg-stats");
        var file = await Server.PublishAsync(pid, "stat", "1.0", "f.txt", "x");
        var packageId = file.GetProperty("package_id").GetInt64();
        Assert.Equal(JsonValueKind.Null, (await root.GetOkAsync($"/api/v4/projects/{pid}/packages/{packageId}")).GetProperty("last_downloaded_at").ValueKind);

        await root.GetStringAsync(Publishing.Url(pid, "stat", "1.0", "f.txt"));
        var rest = (await root.GetOkAsync($"/api/v4/projects/{pid}/packages/{packageId}")).GetProperty("last_downloaded_at").GetString();
        Assert.NotNull(rest);
        var gql = await Server.GraphQLAsync($$"""{ package(id: "gid://gitlab/Packages::Package/{{packageId}}") { lastDownloadedAt } }""");
        Assert.Equal(JsonValueKind.String, gql.GetProperty("package").GetProperty("lastDownloadedAt").ValueKind);
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
