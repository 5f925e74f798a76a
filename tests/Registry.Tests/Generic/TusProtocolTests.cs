using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Uploads;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

/// <summary>One server with a small unfinished-upload limit and a short expiry, a project, a developer and a reporter.</summary>
public sealed class TusFixture : IAsyncLifetime
{
    public const int MaxUnfinished = 3;
    public RegistryServer Server { get; private set; } = null!;
    public long ProjectId { get; private set; }
    public string Developer { get; private set; } = "";
    public string OtherDeveloper { get; private set; } = "";
    public string Reporter { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync(new Dictionary<string, string>
        {
            ["Registry:MaxUnfinishedUploads"] = MaxUnfinished.ToString(),
            ["Registry:MaxFileSize"] = (64L * 1024 * 1024).ToString(),
        });
        await Server.CreateGroupAsync("tusg");
        ProjectId = await Server.CreateProjectAsync("tusg", "app");
        Developer = await Server.CreateUserWithTokenAsync("tus-dev", "API");
        OtherDeveloper = await Server.CreateUserWithTokenAsync("tus-dev2", "API");
        Reporter = await Server.CreateUserWithTokenAsync("tus-reporter", "API");
        await Server.AddProjectMemberAsync("tusg/app", "tus-dev", "DEVELOPER");
        await Server.AddProjectMemberAsync("tusg/app", "tus-dev2", "DEVELOPER");
        await Server.AddProjectMemberAsync("tusg/app", "tus-reporter", "REPORTER");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// tus 1.0.0 on the generic package URL (issue 25): every refusal with its status and nothing stored, creation with
/// the PUT's refusals, ownership, completion as a PUT publishes, the unfinished-upload limit, expiry with the bytes freed.
/// </summary>
public sealed class TusProtocolTests(TusFixture fixture) : IClassFixture<TusFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Url(string name, string file, string version = "1.0.0") => Publishing.Url(fixture.ProjectId, name, version, file);

    /// <summary>A client with <paramref name="token"/> (the developer's when null; anonymous when empty).</summary>
    private HttpClient Client(string? token = null) => token == "" ? Server.Client() : Server.Client(token ?? fixture.Developer);

    private static string Meta(params (string Key, string Value)[] pairs) =>
        string.Join(",", pairs.Select(p => p.Key + " " + Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))));

    private async Task<(HttpStatusCode Status, string Body, string? Location)> CreateAsync(string url, long length, string? metadata = null,
        string? token = null)
    {
        using var client = Client(token);
        using var response = await client.SendAsync(TusRequests.Request(HttpMethod.Post, url, r =>
        {
            r.Headers.Add("Upload-Length", length.ToString());
            if (metadata is not null) r.Headers.Add("Upload-Metadata", metadata);
        }));
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.PathAndQuery);
    }

    private async Task<string> CreatedAsync(string url, long length, string? metadata = null, string? token = null)
    {
        var (status, body, location) = await CreateAsync(url, length, metadata, token);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        return location!;
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, long offset, byte[] bytes,
        string contentType = "application/offset+octet-stream", string? checksum = null)
    {
        var request = TusRequests.Request(HttpMethod.Patch, location, r =>
        {
            r.Headers.Add("Upload-Offset", offset.ToString());
            if (checksum is not null) r.Headers.Add("Upload-Checksum", checksum);
        });
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.SendAsync(request);
    }

    private static async Task<long> OffsetAsync(HttpClient client, string location)
    {
        using var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("no-store", head.Headers.CacheControl!.ToString());
        return long.Parse(head.Headers.GetValues("Upload-Offset").Single());
    }

    private async Task TerminateAsync(string location)
    {
        using var client = Client();
        using var delete = await client.SendAsync(TusRequests.Request(HttpMethod.Delete, location));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    private static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Options_advertises_the_version_extensions_limit_and_checksums_without_credentials()
    {
        using var client = Server.Client();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, Url("opt", "a.bin")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,creation-with-upload,expiration,checksum,termination", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal((64L * 1024 * 1024 - 1).ToString(), response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task Several_patches_publish_the_file_as_a_put_would_and_the_upload_names_the_package_file()
    {
        var bytes = Bytes(3 * 1024 * 1024 + 17, 1);
        var location = await CreatedAsync(Url("tus-many", "many.bin"), bytes.Length, Meta(("sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)))));
        using var client = Client();
        var offset = 0;
        foreach (var size in new[] { 1, 100_000, 1024 * 1024, 2 * 1024 * 1024 })
        {
            var chunk = bytes.AsSpan(offset, Math.Min(size, bytes.Length - offset)).ToArray();
            using var patch = await PatchAsync(client, location, offset, chunk);
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            offset += chunk.Length;
            Assert.Equal(offset.ToString(), patch.Headers.GetValues("Upload-Offset").Single());
            if (offset < bytes.Length) Assert.Equal(offset, await OffsetAsync(client, location));
        }
        Assert.Equal(bytes.Length, offset);

        using var described = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        var record = JsonDocument.Parse(await described.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), record.GetProperty("file_sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), record.GetProperty("file_sha1").GetString());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), record.GetProperty("file_md5").GetString());
        Assert.Equal(bytes.Length, record.GetProperty("size").GetInt64());
        using (var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, location)))
            Assert.Equal(record.GetProperty("id").GetInt64().ToString(), head.Headers.GetValues("X-Package-File-Id").Single());
        Assert.Equal(bytes, await client.GetByteArrayAsync(Url("tus-many", "many.bin")));

        // The same audit event a PUT records.
        var events = await Server.GraphQLAsync("""{ project(fullPath: "tusg/app") { auditEvents(first: 100) { nodes { eventName details } } } }""");
        Assert.Contains("tus-many/1.0.0/many.bin", events.ToString());
    }

    [Fact]
    public async Task Creation_with_upload_publishes_in_one_request()
    {
        var bytes = Bytes(5000, 2);
        using var client = Client();
        var request = TusRequests.Request(HttpMethod.Post, Url("tus-one", "one.bin"), r => r.Headers.Add("Upload-Length", bytes.Length.ToString()));
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/offset+octet-stream");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(bytes.Length.ToString(), response.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(bytes, await client.GetByteArrayAsync(Url("tus-one", "one.bin")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.2.2")]
    public async Task A_missing_or_unknown_Tus_Resumable_is_412_with_Tus_Version(string? version)
    {
        var before = await StoreSnapshot.TakeAsync(Server);
        using var client = Client();
        var request = new HttpRequestMessage(HttpMethod.Post, Url("tus-412", "a.bin"));
        request.Headers.Add("Upload-Length", "10");
        if (version is not null) request.Headers.Add("Tus-Resumable", version);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
    }

    [Fact]
    public async Task Patch_refusals_change_nothing_stored()
    {
        var bytes = Bytes(1000, 3);
        var location = await CreatedAsync(Url("tus-refuse", "r.bin"), bytes.Length);
        using var client = Client();
        using (var first = await PatchAsync(client, location, 0, bytes[..400])) Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

        // Wrong offset: 409.
        using (var r = await PatchAsync(client, location, 0, bytes[..400])) Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        using (var r = await PatchAsync(client, location, 500, bytes[500..600])) Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        // Wrong content type: 415.
        using (var r = await PatchAsync(client, location, 400, bytes[400..500], "application/octet-stream"))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        // Past Upload-Length: 413.
        using (var r = await PatchAsync(client, location, 400, Bytes(601, 4))) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        // A chunk checksum that does not match: 460; an unknown algorithm: 400.
        var wrong = "sha256 " + Convert.ToBase64String(SHA256.HashData(Bytes(100, 5)));
        using (var r = await PatchAsync(client, location, 400, bytes[400..500], checksum: wrong)) Assert.Equal(460, (int)r.StatusCode);
        using (var r = await PatchAsync(client, location, 400, bytes[400..500], checksum: "md5 AAAA")) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        // Missing Tus-Resumable on a PATCH: 412.
        var bare = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(bytes[400..500]) };
        bare.Headers.Add("Upload-Offset", "400");
        bare.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/offset+octet-stream");
        using (var r = await client.SendAsync(bare)) Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode);
        Assert.Equal(400, await OffsetAsync(client, location));

        // A matching sha1 checksum (older clients) is accepted, and the rest completes the file intact.
        var sha1 = "sha1 " + Convert.ToBase64String(SHA1.HashData(bytes[400..]));
        using (var r = await PatchAsync(client, location, 400, bytes[400..], checksum: sha1)) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(bytes, await client.GetByteArrayAsync(Url("tus-refuse", "r.bin")));
    }

    /// <summary>
    /// One request writes to an upload at a time, on any instance: the upload's lease (taken before the body is read,
    /// committed without a flush to disk) keeps a second PATCH and a termination out while the first one runs.
    /// </summary>
    [Fact]
    public async Task A_patch_or_termination_while_another_patch_writes_is_423_and_changes_nothing()
    {
        var bytes = Bytes(1000, 8);
        var location = await CreatedAsync(Url("tus-lock", "l.bin"), bytes.Length);
        // The first PATCH waits for 100 Continue, which the server sends once it holds the upload and reads the body.
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) };
        using var slow = new HttpClient(handler) { BaseAddress = Server.BaseAddress };
        slow.DefaultRequestHeaders.Add("PRIVATE-TOKEN", fixture.Developer);
        var held = new HeldContent(bytes[..600], 100);
        var request = TusRequests.Request(HttpMethod.Patch, location, r =>
        {
            r.Headers.Add("Upload-Offset", "0");
            r.Headers.ExpectContinue = true;
        });
        request.Content = held;
        var first = slow.SendAsync(request);
        await held.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var client = Client();
        using (var r = await PatchAsync(client, location, 0, bytes[..100]))
        {
            Assert.Equal(HttpStatusCode.Locked, r.StatusCode);
            Assert.Equal("""{"message":"423 Locked - Another request is writing to this upload"}""", await r.Content.ReadAsStringAsync());
        }
        using (var r = await client.SendAsync(TusRequests.Request(HttpMethod.Delete, location))) Assert.Equal(HttpStatusCode.Locked, r.StatusCode);

        held.Release();
        using (var done = await first) Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.Equal(600, await OffsetAsync(client, location));
        using (var r = await PatchAsync(client, location, 600, bytes[600..])) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(bytes, await client.GetByteArrayAsync(Url("tus-lock", "l.bin")));
    }

    /// <summary>
    /// A PATCH writes only its upload's row: the tokens and project access cached for the next PATCH stay (each
    /// PATCH's writes used to end them, so every PATCH looked its caller up again).
    /// </summary>
    [Fact]
    public async Task Patches_leave_the_cached_tokens_and_project_access_in_place()
    {
        var bytes = Bytes(300, 9);
        var location = await CreatedAsync(Url("tus-cache", "c.bin"), bytes.Length);
        var cache = Server.Services.GetRequiredService<Registry.Schema.Caching.HotPathCache>();
        using var client = Client();
        var before = cache.IdentityEpoch;
        using (var r = await PatchAsync(client, location, 0, bytes[..100])) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        using (var r = await PatchAsync(client, location, 100, bytes[100..200])) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(before, cache.IdentityEpoch);
        await TerminateAsync(location);
    }

    /// <summary>A body that sends its first bytes, says so, and sends the rest only when released.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly int _first;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldContent(byte[] bytes, int first)
        {
            _bytes = bytes;
            _first = first;
            Headers.ContentType = MediaTypeHeaderValue.Parse("application/offset+octet-stream");
        }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _first));
            await stream.FlushAsync();
            Started.TrySetResult();
            await _released.Task;
            await stream.WriteAsync(_bytes.AsMemory(_first));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Unknown_uploads_are_404()
    {
        using var client = Client();
        using var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, $"/api/v4/projects/{fixture.ProjectId}/packages/tus/{new string('a', 32)}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var patch = await PatchAsync(client, $"/api/v4/projects/{fixture.ProjectId}/packages/tus/nonsense", 0, [1]);
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
    }

    [Fact]
    public async Task An_upload_length_above_the_limit_is_413_with_GitLabs_message()
    {
        var (status, body, _) = await CreateAsync(Url("tus-big", "big.bin"), 64L * 1024 * 1024);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("""{"message":"413 Request Entity Too Large"}""", body);
        // Beyond 32 bits and beyond 5 GiB the same (no overflow).
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await CreateAsync(Url("tus-big", "big.bin"), 6L * 1024 * 1024 * 1024)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(Url("tus-big", "big.bin"), -1)).Status);
    }

    /// <summary>Each refusal of the PUT before its body, with the PUT's status and body, at creation.</summary>
    [Fact]
    public async Task Creation_refuses_what_the_put_refuses_with_the_same_status_and_body()
    {
        async Task SameAsPut(string url, string? token, string? sha256 = null)
        {
            using var client = token is null ? Server.Client() : Server.Client(token);
            var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
            if (sha256 is not null) put.Headers.Add("X-Checksum-Sha256", sha256);
            using var putResponse = await client.SendAsync(put);
            var before = await StoreSnapshot.TakeAsync(Server);
            var (status, body, _) = await CreateAsync(url, 3, sha256 is null ? null : Meta(("sha256", sha256)), token ?? "");
            Assert.True(status != HttpStatusCode.Created, $"{url} was created by {token}");
            Assert.Equal(((int)putResponse.StatusCode, await putResponse.Content.ReadAsStringAsync()), ((int)status, body));
            Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
        }

        await SameAsPut(Url("tus-anon", "a.bin"), null);                                  // 401
        await SameAsPut(Url("tus-anon", "a.bin"), "not-a-token-at-all-xxxxx");            // 401
        await SameAsPut(Url("tus-rep", "a.bin"), fixture.Reporter);                         // 403
        await SameAsPut(Publishing.Url(999999, "x", "1.0.0", "a.bin"), fixture.Developer); // 404
        await SameAsPut(Url("bad name!", "a.bin"), fixture.Developer);                     // 400 package_name
        await SameAsPut(Url("tus-ok", "bad~"), fixture.Developer);                          // 400 file_name

        using (var rule = Server.Client(RegistryServer.RootToken))
        {
            using var created = await rule.PostAsync($"/api/v4/projects/{fixture.ProjectId}/packages/protection/rules", JsonContent(
                """{"package_name_pattern":"tus-protected*","package_type":"generic","minimum_access_level_for_push":"maintainer"}"""));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await SameAsPut(Url("tus-protected-1", "a.bin"), fixture.Developer);               // 403 Package protected.

        await Server.GraphQLAsync("""mutation { updateNamespacePackageSettings(input: {namespacePath: "tusg", genericDuplicatesAllowed: false}) { errors } }""");
        using (var client = Client())
        {
            using var first = await client.PutAsync(Url("tus-dup", "d.bin"), new ByteArrayContent([9, 9, 9]));
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        await SameAsPut(Url("tus-dup", "d.bin"), fixture.Developer, Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))); // 400 duplicate
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_declared_sha256_that_the_bytes_do_not_match_publishes_nothing()
    {
        var bytes = Bytes(2000, 6);
        var location = await CreatedAsync(Url("tus-sha", "s.bin"), bytes.Length, Meta(("sha256", new string('0', 64)), ("status", "hidden")));
        var before = await StoreSnapshot.TakeAsync(Server);
        using var client = Client();
        using var patch = await PatchAsync(client, location, 0, bytes);
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Equal("""{"message":"400 Bad request - Checksum mismatch"}""", await patch.Content.ReadAsStringAsync());
        // No package, no file, no blob, and the partial bytes are gone.
        Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("tus-sha", "s.bin"))).StatusCode);
        using var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task An_upload_belongs_to_its_token_and_basic_auth_with_that_token_reaches_it()
    {
        var location = await CreatedAsync(Url("tus-own", "o.bin"), 10);
        using var other = Client(fixture.OtherDeveloper);
        using (var head = await other.SendAsync(TusRequests.Request(HttpMethod.Head, location))) Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using (var patch = await PatchAsync(other, location, 0, [1, 2])) Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        using (var delete = await other.SendAsync(TusRequests.Request(HttpMethod.Delete, location))) Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using (var root = Server.Client(RegistryServer.RootToken))
        using (var head = await root.SendAsync(TusRequests.Request(HttpMethod.Head, location))) Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);

        using var basic = Server.Client(h => h.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + fixture.Developer))));
        using (var patch = await PatchAsync(basic, location, 0, [1, 2])) Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        using var mine = Client();
        Assert.Equal(2, await OffsetAsync(mine, location));
        await TerminateAsync(location);
    }

    [Fact]
    public async Task The_unfinished_upload_limit_is_429_and_termination_frees_a_place_and_the_bytes()
    {
        var user = await Server.CreateUserWithTokenAsync("tus-limit", "API");
        await Server.AddProjectMemberAsync("tusg/app", "tus-limit", "DEVELOPER");
        var locations = new List<string>();
        for (var i = 0; i < TusFixture.MaxUnfinished; i++) locations.Add(await CreatedAsync(Url("tus-limit", $"{i}.bin"), 100, token: user));
        var (status, body, _) = await CreateAsync(Url("tus-limit", "x.bin"), 100, token: user);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.StartsWith("""{"message":"429 Too Many Requests""", body);

        using var client = Server.Client(user);
        using (var patch = await PatchAsync(client, locations[0], 0, Bytes(50, 7))) Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var before = await StoreSnapshot.TakeAsync(Server);
        using (var delete = await client.SendAsync(TusRequests.Request(HttpMethod.Delete, locations[0]))) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(before.Blobs - 1, (await StoreSnapshot.TakeAsync(Server)).Blobs);
        using (var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, locations[0]))) Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(Url("tus-limit", "x.bin"), 100, token: user)).Status);
    }
}

/// <summary>Expiry and restarts need a server of their own (a short expiry, a restart in the middle).</summary>
public sealed class TusLifetimeTests
{
    private static async Task<string> CreateAsync(HttpClient client, string url, long length)
    {
        using var response = await client.SendAsync(TusRequests.Create(url, length));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.PathAndQuery;
    }

    private static async Task<int> PartialUploadsAsync(RegistryServer server)
    {
        if (!TestBackend.IsPostgresS3)
        {
            var tmp = Path.Combine(server.DataPath, "blobs", "tmp");
            return Directory.Exists(tmp) ? Directory.GetFiles(tmp, "*.tus").Length : 0;
        }
        return (await TestBackend.BlobKeysAsync(server)).Count(k => k.Contains("/tus/"));
    }

    [Fact]
    public async Task An_expired_upload_is_404_and_the_sweep_removes_its_bytes()
    {
        await using var server = await RegistryServer.StartAsync(new Dictionary<string, string> { ["Registry:ResumableUploadExpiry"] = "00:00:02" });
        await server.CreateGroupAsync("tusx");
        var project = await server.CreateProjectAsync("tusx", "app");
        using var client = server.Client(RegistryServer.RootToken);
        var location = await CreateAsync(client, Publishing.Url(project, "exp", "1.0.0", "e.bin"), 10);
        using (var patch = await client.SendAsync(TusRequests.Patch(location, 0, [1, 2, 3]))) Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        using (var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, location)))
            Assert.True(DateTime.Parse(head.Headers.GetValues("Upload-Expires").Single()).ToUniversalTime() > DateTime.UtcNow.AddSeconds(-1));
        Assert.Equal(1, await PartialUploadsAsync(server));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using (var head = await client.SendAsync(TusRequests.Request(HttpMethod.Head, location))) Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using (var patch = await client.SendAsync(TusRequests.Patch(location, 3, [4]))) Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);

        var sweeper = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Registry.Server.Operations.OperationsSweeper>().Single();
        await sweeper.SweepPartialUploadsAsync(CancellationToken.None);
        Assert.Equal(0, await PartialUploadsAsync(server));
        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Registry.Schema.Data.RegistryDbContext>();
        Assert.Empty(db.ResumableUploads);
    }

    [Fact]
    public async Task After_a_restart_in_the_middle_the_digests_are_those_of_the_whole_file()
    {
        var server = await RegistryServer.StartAsync();
        var bytes = new byte[9 * 1024 * 1024 + 3];
        new Random(11).NextBytes(bytes);
        string url;
        string location;
        await using (server)
        {
            await server.CreateGroupAsync("tusr");
            var project = await server.CreateProjectAsync("tusr", "app");
            url = Publishing.Url(project, "restart", "1.0.0", "r.bin");
            using (var client = server.Client(RegistryServer.RootToken))
            {
                location = await CreateAsync(client, url, bytes.Length);
                using var first = await client.SendAsync(TusRequests.Patch(location, 0, bytes[..(6 * 1024 * 1024)]));
                Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            }
            await server.StopKeepingDataAsync();
            await using var again = await RegistryServer.StartAsync(restartOf: server);
            using var resumed = again.Client(RegistryServer.RootToken);
            using var rest = await resumed.SendAsync(TusRequests.Patch(location, 6 * 1024 * 1024, bytes[(6 * 1024 * 1024)..]));
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            using var described = await resumed.GetAsync(location);
            var record = JsonDocument.Parse(await described.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), record.GetProperty("file_sha256").GetString());
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), record.GetProperty("file_sha1").GetString());
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), record.GetProperty("file_md5").GetString());
            Assert.Equal(bytes, await resumed.GetByteArrayAsync(url));
            await again.StopKeepingDataAsync();
        }
    }
}
