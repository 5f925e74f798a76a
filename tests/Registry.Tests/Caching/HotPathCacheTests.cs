using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Caching;

/// <summary>
/// Tokens, project access and download lookups are cached for a moment (Registry:HotCacheTtl). A change made on an
/// instance takes effect there at once; another instance follows within the TTL.
/// </summary>
public sealed class HotPathCacheTests(HotPathCacheTests.TwoInstances instances) : IClassFixture<HotPathCacheTests.TwoInstances>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Instances A and B on one database and bucket prefix with a short cache lifetime, shared by the tests of the class
    /// (each works in its own group, project and user), started together on first use: a server process starts in
    /// 20-60 s on a loaded machine, and the two tests used to start two each, one after the other. On SQLite nothing
    /// starts (those tests are skipped).
    /// </summary>
    public sealed class TwoInstances : IAsyncLifetime
    {
        private readonly string _instance = "hot" + Guid.NewGuid().ToString("N")[..12];
        private Task<(ServerProcess A, ServerProcess B)>? _started;
        private ServerProcess? _a, _b;

        public Task<(ServerProcess A, ServerProcess B)> StartedAsync() => _started ??= StartAsync();

        private async Task<(ServerProcess, ServerProcess)> StartAsync()
        {
            var shared = await TestBackend.SettingsForNewServerAsync(_instance);
            var settings = new Dictionary<string, string> { ["Registry:HotCacheTtl"] = Ttl.ToString() };
            _a = ServerProcess.Start("A", shared, settings);
            _b = ServerProcess.Start("B", shared, settings);
            await Task.WhenAll(_a.WaitReadyAsync(), _b.WaitReadyAsync());
            return (_a, _b);
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_started is null) return;
            if (_a is not null) await _a.DisposeAsync();
            if (_b is not null) await _b.DisposeAsync();
            await TestBackend.DropDatabaseAsync(_instance);
        }
    }

    private static async Task<HttpStatusCode> GetAsync(IRegistryEndpoint server, string token, string url)
    {
        using var client = server.Client(token);
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }

    private static async Task RevokeAsync(IRegistryEndpoint server, string id) =>
        Assert.Empty((await server.GraphQLAsync("mutation($i: RevokeTokenInput!) { revokePersonalAccessToken(input: $i) { errors } }",
            new { i = new { id } })).GetProperty("revokePersonalAccessToken").Errors());

    private static string Url(string project, string file = "file.txt") => Publishing.Url(project, "cached", "1.0.0", file);

    [Fact]
    public async Task A_revoked_token_stops_working_at_once_though_it_was_just_cached()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("hot");
        await server.CreateProjectAsync("hot", "app");
        await server.PublishAsync("hot/app", "cached", "1.0.0");
        await server.CreateUserAsync("dev");
        await server.AddProjectMemberAsync("hot/app", "dev", "DEVELOPER");
        var created = await server.MutateAsync("createPersonalAccessToken", new { username = "dev", name = "t", scopes = new[] { "API" } },
            selection: "id token errors");
        var token = created.GetProperty("token").GetString()!;

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, await GetAsync(server, token, Url("hot/app")));
        await RevokeAsync(server, created.GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(server, token, Url("hot/app")));
    }

    [Fact]
    public async Task A_lowered_role_takes_effect_at_once()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("role");
        await server.CreateProjectAsync("role", "app");
        await server.PublishAsync("role/app", "cached", "1.0.0");
        var token = await server.CreateUserWithTokenAsync("maint", "API");
        await server.AddProjectMemberAsync("role/app", "maint", "MAINTAINER");

        // Cached: the maintainer may delete; lowered to guest, they may not even read.
        using (var client = server.Client(token))
        using (var response = await client.PutAsync(Url("role/app", "second.txt"), new ByteArrayContent([1, 2, 3])))
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(server, token, Url("role/app")));
        await server.AddProjectMemberAsync("role/app", "maint", "GUEST");
        using (var client = server.Client(token))
        using (var response = await client.PutAsync(Url("role/app", "third.txt"), new ByteArrayContent([1, 2, 3])))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_deleted_file_is_gone_and_a_new_upload_is_served_at_once()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("files");
        await server.CreateProjectAsync("files", "app");
        await server.PublishAsync("files/app", "cached", "1.0.0", "file.txt", "first");
        for (var i = 0; i < 3; i++) Assert.Equal("first", System.Text.Encoding.UTF8.GetString((await server.DownloadAsync("files/app", "cached", "1.0.0", "file.txt")).Body));

        // A newer upload of the same name is what the next download serves.
        await server.PublishAsync("files/app", "cached", "1.0.0", "file.txt", "second");
        Assert.Equal("second", System.Text.Encoding.UTF8.GetString((await server.DownloadAsync("files/app", "cached", "1.0.0", "file.txt")).Body));

        using (var client = server.Client(RegistryServer.RootToken))
        using (var deleted = await client.DeleteAsync(Url("files/app")))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.DownloadAsync("files/app", "cached", "1.0.0", "file.txt")).Status);
    }

    [SkippableFact]
    public async Task Another_instance_follows_a_revocation_within_the_cache_lifetime()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "Two instances need the PostgreSQL + S3 configuration (REGISTRY_TEST_BACKEND=postgres-s3)");
        var ttl = Ttl;
        var (a, b) = await instances.StartedAsync();

        await a.CreateGroupAsync("lag");
        await a.CreateProjectAsync("lag", "app");
        await a.PublishAsync("lag/app", "cached", "1.0.0");
        await a.CreateUserAsync("dev");
        await a.AddProjectMemberAsync("lag/app", "dev", "DEVELOPER");
        var created = await a.MutateAsync("createPersonalAccessToken", new { username = "dev", name = "t", scopes = new[] { "API" } },
            selection: "id token errors");
        var token = created.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await GetAsync(b, token, Url("lag/app")));

        await RevokeAsync(a, created.GetProperty("id").GetString()!);
        var revoked = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(a, token, Url("lag/app")));
        // B may still answer from its cache, but only until the entry expires.
        while (await GetAsync(b, token, Url("lag/app")) == HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow - revoked < ttl + TimeSpan.FromSeconds(2), "instance B still accepts the revoked token after the cache lifetime");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Uploads read the protection rules through the cache too: another instance follows a new rule within the TTL (this
    /// instance at once: ProtectionRuleTests). The duplicate setting is not cached that way: MultiInstanceTests.
    /// </summary>
    [SkippableFact]
    public async Task Another_instance_follows_a_protection_rule_within_the_cache_lifetime()
    {
        Skip.IfNot(TestBackend.IsPostgresS3, "Two instances need the PostgreSQL + S3 configuration (REGISTRY_TEST_BACKEND=postgres-s3)");
        var ttl = Ttl;
        var (a, b) = await instances.StartedAsync();

        await a.CreateGroupAsync("rulelag");
        await a.CreateProjectAsync("rulelag", "app");
        var developer = await a.CreateUserWithTokenAsync("rulelag-dev");
        await a.AddProjectMemberAsync("rulelag/app", "rulelag-dev", "DEVELOPER");
        var n = 0;
        async Task<HttpStatusCode> UploadAsync(IRegistryEndpoint server)
        {
            using var response = await server.UploadAsync("rulelag/app", "guarded", "1.0.0", $"f{++n}.bin", [(byte)n], token: developer);
            return response.StatusCode;
        }
        // B reads (and caches) the project's rules: none yet.
        Assert.Equal(HttpStatusCode.Created, await UploadAsync(b));

        Assert.Empty((await a.MutateAsync("createPackagesProtectionRule",
            new { projectPath = "rulelag/app", packageNamePattern = "guarded", packageType = "GENERIC", minimumAccessLevelForPush = "MAINTAINER" },
            selection: "errors")).Errors());
        var changed = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Forbidden, await UploadAsync(a));
        // B may still answer from its cache, but only until the entry expires.
        while (await UploadAsync(b) == HttpStatusCode.Created)
        {
            Assert.True(DateTime.UtcNow - changed < ttl + TimeSpan.FromSeconds(2), "instance B still ignores the protection rule after the cache lifetime");
            await Task.Delay(50);
        }
        Assert.Equal(HttpStatusCode.Forbidden, await UploadAsync(b));
    }
}
