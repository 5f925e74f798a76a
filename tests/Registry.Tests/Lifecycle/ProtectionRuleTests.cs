using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>One project with a member of each role that matters to protection rules, and every token kind.</summary>
public sealed class ProtectionFixture : IAsyncLifetime
{
    public const string Group = "prot";
    public const string Project = "prot/app";
    public RegistryServer Server { get; private set; } = null!;
    public string Developer { get; private set; } = "";
    public string Maintainer { get; private set; } = "";
    /// <summary>An Owner of the group who is not an administrator.</summary>
    public string Owner { get; private set; } = "";
    public string DeveloperJob { get; private set; } = "";
    public string MaintainerJob { get; private set; } = "";
    public (string Token, string Username) Deploy { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync(Group);
        await Server.CreateProjectAsync(Group, "app");
        Developer = await Server.CreateUserWithTokenAsync("prot-dev");
        Maintainer = await Server.CreateUserWithTokenAsync("prot-maint");
        Owner = await Server.CreateUserWithTokenAsync("prot-owner");
        await Server.AddGroupMemberAsync(Group, "prot-dev", "DEVELOPER");
        await Server.AddGroupMemberAsync(Group, "prot-maint", "MAINTAINER");
        await Server.AddGroupMemberAsync(Group, "prot-owner", "OWNER");
        DeveloperJob = await Server.CreateCiJobTokenAsync(Project, Developer);
        MaintainerJob = await Server.CreateCiJobTokenAsync(Project, Maintainer);
        Deploy = await Server.CreateDeployTokenAsync(Project, "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>
/// GitLab's protected packages for generic packages: the REST and GraphQL APIs that manage rules, and the rules
/// enforced on every path that publishes or deletes, with GitLab's 403 messages.
/// </summary>
public sealed class ProtectionRuleTests(ProtectionFixture fixture) : IClassFixture<ProtectionFixture>
{
    private RegistryServer Server => fixture.Server;
    private const string RulesUrl = "/api/v4/projects/prot%2Fapp/packages/protection/rules";

    private async Task<JsonElement> CreateRuleAsync(string pattern, string? push, string? delete)
    {
        using var client = Server.Client(fixture.Maintainer);
        using var response = await client.PostAsJsonAsync(RulesUrl, new Dictionary<string, object?>
        {
            ["package_name_pattern"] = pattern, ["package_type"] = "generic",
            ["minimum_access_level_for_push"] = push, ["minimum_access_level_for_delete"] = delete,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task DeleteRuleAsync(JsonElement rule)
    {
        using var client = Server.Client(fixture.Maintainer);
        using var response = await client.DeleteAsync($"{RulesUrl}/{rule.GetProperty("id").GetInt64()}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static HttpClient WithJobToken(RegistryServer server, string token) => server.Client(h => h.Add("JOB-TOKEN", token));

    private HttpClient As(string who) => who switch
    {
        "developer" => Server.Client(fixture.Developer),
        "maintainer" => Server.Client(fixture.Maintainer),
        "owner" => Server.Client(fixture.Owner),
        "admin" => Server.Client(RegistryServer.RootToken),
        "developer-job" => WithJobToken(Server, fixture.DeveloperJob),
        "maintainer-job" => WithJobToken(Server, fixture.MaintainerJob),
        "deploy" => Server.Client(h => h.Add("DEPLOY-TOKEN", fixture.Deploy.Token)),
        _ => throw new ArgumentException(who),
    };

    private static async Task<(HttpStatusCode, string)> SendAsync(HttpClient client, HttpMethod method, string url, HttpContent? content = null)
    {
        using (client)
        using (var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = content }))
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Rest_api_has_gitlabs_shape_and_is_for_maintainers()
    {
        var rule = await CreateRuleAsync("shape-*", "maintainer", "owner");
        try
        {
            Assert.Equal("shape-*", rule.GetProperty("package_name_pattern").GetString());
            Assert.Equal("generic", rule.GetProperty("package_type").GetString());
            Assert.Equal("maintainer", rule.GetProperty("minimum_access_level_for_push").GetString());
            Assert.Equal("owner", rule.GetProperty("minimum_access_level_for_delete").GetString());
            Assert.Equal(
                ["id", "project_id", "package_name_pattern", "package_type", "minimum_access_level_for_delete", "minimum_access_level_for_push"],
                rule.EnumerateObject().Select(p => p.Name).ToArray());

            using (var maintainer = Server.Client(fixture.Maintainer))
            {
                var list = await maintainer.GetOkAsync(RulesUrl);
                Assert.Contains(list.EnumerateArray(), r => r.GetProperty("id").GetInt64() == rule.GetProperty("id").GetInt64());

                // GitLab's PATCH changes only what it names; null clears a level.
                using var patched = await maintainer.PatchAsJsonAsync($"{RulesUrl}/{rule.GetProperty("id").GetInt64()}",
                    new Dictionary<string, object?> { ["minimum_access_level_for_push"] = null });
                var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
                Assert.Equal(JsonValueKind.Null, body.GetProperty("minimum_access_level_for_push").ValueKind);
                Assert.Equal("owner", body.GetProperty("minimum_access_level_for_delete").GetString());
                Assert.Equal("shape-*", body.GetProperty("package_name_pattern").GetString());
            }

            // Developers are refused, strangers are not told the project exists, nobody signed in is 401.
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(As("developer"), HttpMethod.Get, RulesUrl)).Item1);
            var stranger = await Server.CreateUserWithTokenAsync("prot-stranger");
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(Server.Client(stranger), HttpMethod.Get, RulesUrl)).Item1);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(Server.Client(), HttpMethod.Get, RulesUrl)).Item1);
            var create = JsonContent.Create(new { package_name_pattern = "x-*", package_type = "generic", minimum_access_level_for_push = "owner" });
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(As("developer"), HttpMethod.Post, RulesUrl, create)).Item1);
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
        using var after = Server.Client(fixture.Maintainer);
        Assert.DoesNotContain((await after.GetOkAsync(RulesUrl)).EnumerateArray(), r => r.GetProperty("id").GetInt64() == rule.GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("""{"package_type":"generic","minimum_access_level_for_push":"owner"}""", 400, """{"error":"package_name_pattern is missing"}""")]
    [InlineData("""{"package_name_pattern":"a","package_type":"npmx","minimum_access_level_for_push":"owner"}""", 400, """{"error":"package_type does not have a valid value"}""")]
    [InlineData("""{"package_name_pattern":"a","package_type":"generic","minimum_access_level_for_push":"developer"}""", 400, """{"error":"minimum_access_level_for_push does not have a valid value"}""")]
    [InlineData("""{"package_name_pattern":"a","package_type":"generic","minimum_access_level_for_delete":"maintainer"}""", 400, """{"error":"minimum_access_level_for_delete does not have a valid value"}""")]
    [InlineData("""{"package_name_pattern":"a","package_type":"generic"}""", 422, """{"message":{"error":["A rule must have at least a minimum access role for push or delete."]}}""")]
    [InlineData("""{"package_name_pattern":"bad/name","package_type":"generic","minimum_access_level_for_push":"owner"}""", 422, """{"message":{"error":["Package name pattern should be a valid generic package name with optional wildcard characters."]}}""")]
    public async Task Invalid_rules_are_refused_in_gitlabs_shapes(string json, int status, string expected)
    {
        using var client = Server.Client(fixture.Maintainer);
        using var response = await client.PostAsync(RulesUrl, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_taken_pattern_is_422_and_a_rule_of_another_project_is_not_found()
    {
        var rule = await CreateRuleAsync("taken-*", "owner", null);
        try
        {
            using var client = Server.Client(fixture.Maintainer);
            using var again = await client.PostAsJsonAsync(RulesUrl, new { package_name_pattern = "taken-*", package_type = "generic", minimum_access_level_for_push = "admin" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
            Assert.Equal("""{"message":{"error":["Package name pattern has already been taken"]}}""", await again.Content.ReadAsStringAsync());

            await Server.CreateProjectAsync(ProtectionFixture.Group, "other");
            using var root = Server.Client(RegistryServer.RootToken);
            using var elsewhere = await root.DeleteAsync($"/api/v4/projects/prot%2Fother/packages/protection/rules/{rule.GetProperty("id").GetInt64()}");
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
            using var invalid = await root.DeleteAsync($"{RulesUrl}/abc");
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }

    public static IEnumerable<object[]> Pushers() =>
    [
        ["developer", HttpStatusCode.Forbidden],
        ["developer-job", HttpStatusCode.Forbidden],
        ["deploy", HttpStatusCode.Forbidden],
        ["maintainer", HttpStatusCode.Created],
        ["maintainer-job", HttpStatusCode.Created],
        ["owner", HttpStatusCode.Created],
        ["admin", HttpStatusCode.Created],
    ];

    [Theory]
    [MemberData(nameof(Pushers))]
    public async Task Push_rule_decides_who_may_publish_a_matching_name(string who, HttpStatusCode expected)
    {
        var prefix = "push" + who.Replace("-", "");
        var rule = await CreateRuleAsync(prefix + "-release-*", "maintainer", null);
        try
        {
            var before = await StoreSnapshot.TakeAsync(Server);
            var (status, body) = await SendAsync(As(who), HttpMethod.Put,
                Publishing.Url(ProtectionFixture.Project, prefix + "-release-tool", "1.0.0", "tool.bin"), new ByteArrayContent([1, 2, 3]));
            Assert.Equal(expected, status);
            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.Equal("""{"message":"403 Forbidden - Package protected."}""", body);
                Assert.Equal(before, await StoreSnapshot.TakeAsync(Server));
            }
            // Rules match case-insensitively and anchored, as GitLab's ILIKE: other names are not protected.
            var (upper, _) = await SendAsync(As(who), HttpMethod.Put,
                Publishing.Url(ProtectionFixture.Project, prefix.ToUpperInvariant() + "-RELEASE-x", "1.0.0", "tool.bin"), new ByteArrayContent([1]));
            Assert.Equal(expected, upper);
            var (other, _) = await SendAsync(As(who), HttpMethod.Put,
                Publishing.Url(ProtectionFixture.Project, "x" + prefix + "-release-tool", "1.0.0", "tool.bin"), new ByteArrayContent([1]));
            Assert.Equal(HttpStatusCode.Created, other);
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }

    [Fact]
    public async Task A_deploy_token_never_pushes_a_package_any_rule_matches()
    {
        // Even a rule that only protects deletion keeps deploy tokens from pushing (GitLab's CheckRuleExistenceService).
        var rule = await CreateRuleAsync("deploy-guarded", null, "owner");
        try
        {
            var (status, _) = await SendAsync(As("deploy"), HttpMethod.Put,
                Publishing.Url(ProtectionFixture.Project, "deploy-guarded", "1.0.0", "f.bin"), new ByteArrayContent([1]));
            Assert.Equal(HttpStatusCode.Forbidden, status);
            var (dev, _) = await SendAsync(As("developer"), HttpMethod.Put,
                Publishing.Url(ProtectionFixture.Project, "deploy-guarded", "1.0.0", "f.bin"), new ByteArrayContent([1]));
            Assert.Equal(HttpStatusCode.Created, dev);
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }

    /// <summary>Every REST path that deletes: by version, by file name, the Packages API's package and file.</summary>
    private async Task<Dictionary<string, (HttpMethod, string)>> DeletePathsAsync(string name)
    {
        var file = await Server.PublishAsync(ProtectionFixture.Project, name, "1.0.0", "a.bin", [1, 2]);
        await Server.PublishAsync(ProtectionFixture.Project, name, "2.0.0", "a.bin", [3]);
        var packageId = file.GetProperty("package_id").GetInt64();
        var project = Uri.EscapeDataString(ProtectionFixture.Project);
        return new()
        {
            ["generic version"] = (HttpMethod.Delete, Publishing.Url(ProtectionFixture.Project, name, "2.0.0")),
            ["generic file"] = (HttpMethod.Delete, Publishing.Url(ProtectionFixture.Project, name, "1.0.0", "a.bin")),
            ["packages api package"] = (HttpMethod.Delete, $"/api/v4/projects/{project}/packages/{packageId}"),
            ["packages api file"] = (HttpMethod.Delete, $"/api/v4/projects/{project}/packages/{packageId}/package_files/{file.GetProperty("id").GetInt64()}"),
        };
    }

    [Theory]
    [InlineData("maintainer", false)]
    [InlineData("maintainer-job", false)]
    [InlineData("deploy", false)]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    public async Task Delete_rule_holds_on_every_rest_path(string who, bool allowed)
    {
        var name = "del" + who.Replace("-", "") + "-kept";
        var rule = await CreateRuleAsync("del" + who.Replace("-", "") + "-*", null, "owner");
        try
        {
            foreach (var (path, (method, url)) in await DeletePathsAsync(name))
            {
                var (status, body) = await SendAsync(As(who), method, url);
                if (allowed)
                {
                    Assert.True(status == HttpStatusCode.NoContent, $"{path}: {(int)status} {body}");
                    return; // the rest of the paths refer to what was just deleted
                }
                Assert.True(status == HttpStatusCode.Forbidden, $"{path}: {(int)status} {body}");
                Assert.Equal("""{"message":"403 Forbidden - Package is deletion protected."}""", body);
            }
            var (kept, _) = await Server.DownloadAsync(ProtectionFixture.Project, name, "1.0.0", "a.bin");
            Assert.Equal(HttpStatusCode.OK, kept);
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }

    [Fact]
    public async Task Delete_rule_holds_in_the_destroy_mutations()
    {
        var rule = await CreateRuleAsync("gql-kept-*", null, "admin");
        try
        {
            var kept = await Server.PublishAsync(ProtectionFixture.Project, "gql-kept-a", "1.0.0", "a.bin", [1]);
            var free = await Server.PublishAsync(ProtectionFixture.Project, "gql-free", "1.0.0", "a.bin", [2]);
            string Package(JsonElement f) => $"gid://gitlab/Packages::Package/{f.GetProperty("package_id").GetInt64()}";
            string File(JsonElement f) => $"gid://gitlab/Packages::PackageFile/{f.GetProperty("id").GetInt64()}";

            // An Owner is below an "admin" delete level.
            Assert.Equal(["Package is deletion protected."],
                (await Server.MutateAsync("destroyPackage", new { id = Package(kept) }, fixture.Owner)).Errors());
            Assert.Equal(["Package is deletion protected."],
                (await Server.MutateAsync("destroyPackageFile", new { id = File(kept) }, fixture.Owner)).Errors());
            // The bulk mutations destroy what they may and name what they may not, as GitLab.
            Assert.Equal(["Package 'gql-kept-a' is deletion protected."],
                (await Server.MutateAsync("destroyPackageFiles", new { projectPath = ProtectionFixture.Project, ids = new[] { File(kept) } }, fixture.Owner)).Errors());
            Assert.Equal(["Package 'gql-kept-a' is deletion protected."],
                (await Server.MutateAsync("destroyPackages", new { ids = new[] { Package(kept), Package(free) } }, fixture.Owner)).Errors());
            Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync(ProtectionFixture.Project, "gql-kept-a", "1.0.0", "a.bin")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(ProtectionFixture.Project, "gql-free", "1.0.0", "a.bin")).Status);
            // An administrator passes every rule.
            Assert.Empty((await Server.MutateAsync("destroyPackage", new { id = Package(kept) })).Errors());
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }

    private const string RuleFields = "id packageNamePattern packageType minimumAccessLevelForPush minimumAccessLevelForDelete";

    [Fact]
    public async Task Graphql_manages_rules_for_maintainers_and_tells_whether_a_rule_matches_a_package()
    {
        await Server.PublishAsync(ProtectionFixture.Project, "flagged-tool", "1.0.0", "a.bin", [1]);
        await Server.PublishAsync(ProtectionFixture.Project, "plain-tool", "1.0.0", "a.bin", [1]);

        var refused = await Server.MutateAsync("createPackagesProtectionRule",
            new { projectPath = ProtectionFixture.Project, packageNamePattern = "flagged-*", packageType = "GENERIC", minimumAccessLevelForPush = "MAINTAINER" },
            fixture.Developer, $"packageProtectionRule {{ id }} errors");
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("packageProtectionRule").ValueKind);
        Assert.NotEmpty(refused.Errors());

        var created = await Server.MutateAsync("createPackagesProtectionRule",
            new { projectPath = ProtectionFixture.Project, packageNamePattern = "flagged-*", packageType = "GENERIC", minimumAccessLevelForPush = "MAINTAINER" },
            fixture.Maintainer, $"packageProtectionRule {{ {RuleFields} }} errors");
        Assert.Empty(created.Errors());
        var rule = created.GetProperty("packageProtectionRule");
        var id = rule.GetProperty("id").GetString()!;
        Assert.StartsWith("gid://gitlab/Packages::Protection::Rule/", id);
        Assert.Equal("MAINTAINER", rule.GetProperty("minimumAccessLevelForPush").GetString());
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("minimumAccessLevelForDelete").ValueKind);

        const string query = "query($p: ID!) { project(fullPath: $p) { packagesProtectionRules { nodes { id } } packages(first: 100) { nodes { name protectionRuleExists } } } }";
        var asMaintainer = (await Server.GraphQLAsync(query, new { p = ProtectionFixture.Project }, fixture.Maintainer)).GetProperty("project");
        Assert.Contains(asMaintainer.GetProperty("packagesProtectionRules").GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == id);
        var flags = asMaintainer.GetProperty("packages").GetProperty("nodes").EnumerateArray()
            .DistinctBy(n => n.GetProperty("name").GetString()).ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("protectionRuleExists").GetBoolean());
        Assert.True(flags["flagged-tool"]);
        Assert.False(flags["plain-tool"]);
        var asDeveloper = (await Server.GraphQLAsync(query, new { p = ProtectionFixture.Project }, fixture.Developer)).GetProperty("project");
        Assert.Equal(JsonValueKind.Null, asDeveloper.GetProperty("packagesProtectionRules").ValueKind);

        var updated = await Server.MutateAsync("updatePackagesProtectionRule",
            new { id, minimumAccessLevelForPush = (string?)null, minimumAccessLevelForDelete = "OWNER" }, fixture.Maintainer,
            $"packageProtectionRule {{ {RuleFields} }} errors");
        Assert.Empty(updated.Errors());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("packageProtectionRule").GetProperty("minimumAccessLevelForPush").ValueKind);
        Assert.Equal("OWNER", updated.GetProperty("packageProtectionRule").GetProperty("minimumAccessLevelForDelete").GetString());
        Assert.Equal("flagged-*", updated.GetProperty("packageProtectionRule").GetProperty("packageNamePattern").GetString());
        Assert.Equal(["A rule must have at least a minimum access role for push or delete."],
            (await Server.MutateAsync("updatePackagesProtectionRule", new { id, minimumAccessLevelForDelete = (string?)null }, fixture.Maintainer)).Errors());

        // With push open again, a Developer publishes the name; the Owner-level delete keeps a Maintainer from deleting it.
        Assert.Equal(HttpStatusCode.Created,
            (await SendAsync(As("developer"), HttpMethod.Put, Publishing.Url(ProtectionFixture.Project, "flagged-tool", "2.0.0", "a.bin"), new ByteArrayContent([2]))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await SendAsync(As("maintainer"), HttpMethod.Delete, $"/api/v4/projects/prot%2Fapp/packages/generic/flagged-tool/2.0.0")).Item1);

        Assert.Empty((await Server.MutateAsync("deletePackagesProtectionRule", new { id }, fixture.Maintainer)).Errors());
        Assert.Equal(HttpStatusCode.NoContent,
            (await SendAsync(As("maintainer"), HttpMethod.Delete, $"/api/v4/projects/prot%2Fapp/packages/generic/flagged-tool/2.0.0")).Item1);
        var after = (await Server.GraphQLAsync(query, new { p = ProtectionFixture.Project }, fixture.Maintainer)).GetProperty("project");
        Assert.DoesNotContain(after.GetProperty("packages").GetProperty("nodes").EnumerateArray(), n => n.GetProperty("protectionRuleExists").GetBoolean());
    }

    [Fact]
    public async Task A_rule_id_is_no_way_around_the_project_for_outsiders_and_developers()
    {
        var rule = await CreateRuleAsync("outsider-probe-*", "maintainer", null);
        var id = $"gid://gitlab/Packages::Protection::Rule/{rule.GetProperty("id").GetInt64()}";
        var outsider = await Server.CreateUserWithTokenAsync("prot-outsider");
        try
        {
            // An outsider is told what a missing id tells (ids reveal nothing); neither they nor a Developer change the rule.
            var missing = (await Server.MutateAsync("deletePackagesProtectionRule", new { id = "gid://gitlab/Packages::Protection::Rule/999999" }, outsider)).Errors();
            Assert.NotEmpty(missing);
            Assert.Equal(missing, (await Server.MutateAsync("deletePackagesProtectionRule", new { id }, outsider)).Errors());
            Assert.Equal(missing, (await Server.MutateAsync("updatePackagesProtectionRule", new { id, minimumAccessLevelForPush = "OWNER" }, outsider)).Errors());
            Assert.NotEmpty((await Server.MutateAsync("deletePackagesProtectionRule", new { id }, fixture.Developer)).Errors());
            var (status, body) = await SendAsync(As("maintainer"), HttpMethod.Get, RulesUrl);
            Assert.Equal(HttpStatusCode.OK, status);
            var kept = JsonDocument.Parse(body).RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == rule.GetProperty("id").GetInt64());
            Assert.Equal("maintainer", kept.GetProperty("minimum_access_level_for_push").GetString());
        }
        finally
        {
            await DeleteRuleAsync(rule);
        }
    }
}
