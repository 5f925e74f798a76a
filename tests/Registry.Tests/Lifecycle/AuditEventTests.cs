using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// Audit events in GitLab's shape for who published, deleted, hid, changed settings or rules, created or revoked
/// tokens, with the token kind used; readable by administrators and Owners; never a token's secret.
/// </summary>
public sealed class AuditEventTests
{
    private const string Fields = "id eventName authorName tokenKind entityType entityPath targetType targetId targetDetails details ipAddress createdAt author { username }";

    private static async Task<JsonElement[]> EventsAsync(RegistryServer server, string query, object? variables, string token, params string[] path)
    {
        var node = await server.GraphQLAsync(query, variables, token);
        foreach (var step in path) node = node.GetProperty(step);
        return node.GetProperty("nodes").EnumerateArray().ToArray();
    }

    [Fact]
    public async Task Every_action_is_recorded_with_its_author_and_token_kind_and_no_secret_anywhere()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("aud");
        await server.CreateProjectAsync("aud", "app");
        var owner = await server.CreateUserWithTokenAsync("aud-owner");
        var developer = await server.CreateUserWithTokenAsync("aud-dev");
        await server.AddGroupMemberAsync("aud", "aud-owner", "OWNER");
        await server.AddGroupMemberAsync("aud", "aud-dev", "DEVELOPER");
        var job = await server.CreateCiJobTokenAsync("aud/app", developer);
        var deploy = await server.CreateDeployTokenAsync("aud/app", "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
        var secrets = new[] { owner, developer, job, deploy.Token, RegistryServer.RootToken };

        // Publish with each token kind; hide one package.
        await server.PublishAsync("aud/app", "by-user", "1.0", "a.bin", "a", token: developer);
        using (var viaJob = server.Client(h => h.Add("JOB-TOKEN", job)))
            Assert.Equal(HttpStatusCode.Created, (await viaJob.PutAsync(Publishing.Url("aud/app", "by-job", "1.0", "a.bin", "status=hidden"), new ByteArrayContent([1]))).StatusCode);
        using (var viaDeploy = server.Client(h => h.Add("DEPLOY-TOKEN", deploy.Token)))
            Assert.Equal(HttpStatusCode.Created, (await viaDeploy.PutAsync(Publishing.Url("aud/app", "by-deploy", "1.0", "a.bin"), new ByteArrayContent([2]))).StatusCode);
        var file = await server.PublishAsync("aud/app", "by-user", "2.0", "b.bin", "b", token: developer);

        // Delete through REST and GraphQL.
        using (var asOwner = server.Client(owner))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await asOwner.DeleteAsync("/api/v4/projects/aud%2Fapp/packages/generic/by-deploy/1.0")).StatusCode);
            using var rule = await asOwner.PostAsJsonAsync("/api/v4/projects/aud%2Fapp/packages/protection/rules",
                new { package_name_pattern = "aud-*", package_type = "generic", minimum_access_level_for_push = "owner" });
            var ruleId = (await rule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            using var patched = await asOwner.PatchAsJsonAsync($"/api/v4/projects/aud%2Fapp/packages/protection/rules/{ruleId}", new { minimum_access_level_for_push = "admin" });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await asOwner.DeleteAsync($"/api/v4/projects/aud%2Fapp/packages/protection/rules/{ruleId}")).StatusCode);
        }
        Assert.Empty((await server.MutateAsync("destroyPackageFile", new { id = $"gid://gitlab/Packages::PackageFile/{file.GetProperty("id").GetInt64()}" }, owner)).Errors());

        // Change settings, policy and rules; create and revoke tokens.
        await server.SetSettingsAsync("aud", allowed: false, regex: null);
        Assert.Empty((await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = "aud/app", keepNDuplicatedPackageFiles = "TEN_PACKAGE_FILES" }, owner)).Errors());
        Assert.Empty((await server.MutateAsync("createPackagesRetentionRule", new { projectPath = "aud/app", packageNamePattern = "x", olderThanDays = 9 }, owner)).Errors());
        var extra = await server.MutateAsync("createPersonalAccessToken", new { username = "aud-owner", name = "extra", scopes = new[] { "API" } }, owner, "id token errors");
        var extraDeploy = await server.MutateAsync("createDeployToken", new { projectPath = "aud/app", name = "extra", scopes = new[] { "READ_PACKAGE_REGISTRY" } }, owner, "id token errors");
        var extraJob = await server.MutateAsync("createCiJobToken", new { projectPath = "aud/app" }, owner, "id token errors");
        secrets = [.. secrets, extra.GetProperty("token").GetString()!, extraDeploy.GetProperty("token").GetString()!, extraJob.GetProperty("token").GetString()!];
        foreach (var (mutation, created) in new[] { ("revokePersonalAccessToken", extra), ("revokeDeployToken", extraDeploy), ("revokeCiJobToken", extraJob) })
        {
            var revoked = await server.GraphQLAsync($"mutation($i: RevokeTokenInput!) {{ {mutation}(input: $i) {{ errors }} }}",
                new { i = new { id = created.GetProperty("id").GetString() } }, owner);
            Assert.Empty(revoked.GetProperty(mutation).Errors());
        }

        var all = await EventsAsync(server, $"{{ auditEvents(first: 100) {{ nodes {{ {Fields} }} }} }}", null, RegistryServer.RootToken, "auditEvents");
        JsonElement One(string eventName, string? target = null) => all.Single(e => e.GetProperty("eventName").GetString() == eventName
            && (target is null || e.GetProperty("targetDetails").GetString() == target));

        var byUser = One("package_file_published", "by-user/1.0/a.bin");
        Assert.Equal(("aud-dev", "PERSONAL_ACCESS_TOKEN", "Project", "aud/app", "Packages::PackageFile"),
            (byUser.GetProperty("authorName").GetString(), byUser.GetProperty("tokenKind").GetString(), byUser.GetProperty("entityType").GetString(),
             byUser.GetProperty("entityPath").GetString(), byUser.GetProperty("targetType").GetString()));
        Assert.Equal("aud-dev", byUser.GetProperty("author").GetProperty("username").GetString());
        Assert.Equal("127.0.0.1", byUser.GetProperty("ipAddress").GetString());
        Assert.Equal("CI_JOB_TOKEN", One("package_file_published", "by-job/1.0/a.bin").GetProperty("tokenKind").GetString());
        Assert.Equal("CI_JOB_TOKEN", One("package_hidden", "by-job/1.0").GetProperty("tokenKind").GetString());
        var byDeploy = One("package_file_published", "by-deploy/1.0/a.bin");
        Assert.Equal(("DEPLOY_TOKEN", deploy.Username), (byDeploy.GetProperty("tokenKind").GetString(), byDeploy.GetProperty("authorName").GetString()));
        Assert.Equal(JsonValueKind.Null, byDeploy.GetProperty("author").ValueKind);
        Assert.Equal("aud-owner", One("package_destroyed", "by-deploy/1.0").GetProperty("authorName").GetString());
        Assert.Equal("aud-owner", One("package_file_destroyed", "by-user/2.0/b.bin").GetProperty("authorName").GetString());
        foreach (var name in new[] { "package_protection_rule_created", "package_protection_rule_updated", "package_protection_rule_deleted",
                     "packages_cleanup_policy_updated", "package_retention_rule_created", "personal_access_token_created", "personal_access_token_revoked",
                     "deploy_token_revoked", "ci_job_token_created", "ci_job_token_revoked" })
            Assert.Contains(all, e => e.GetProperty("eventName").GetString() == name && e.GetProperty("authorName").GetString() == "aud-owner");
        Assert.Equal(2, all.Count(e => e.GetProperty("eventName").GetString() == "deploy_token_created"));
        var settings = One("namespace_package_settings_updated");
        Assert.Equal(("Group", "aud", "root"), (settings.GetProperty("entityType").GetString(), settings.GetProperty("entityPath").GetString(), settings.GetProperty("authorName").GetString()));
        Assert.False(JsonDocument.Parse(settings.GetProperty("details").GetString()!).RootElement.GetProperty("generic_duplicates_allowed").GetBoolean());

        // No token's value, in any answer or anywhere in the database (only digests are stored).
        var everything = JsonSerializer.Serialize(all);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, everything);
            foreach (var (table, bytes) in await TestBackend.DatabaseImagesAsync(server))
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"a token's value is stored in {table}");
        }
    }

    [Fact]
    public async Task Administrators_read_every_event_owners_their_groups_and_projects_others_none()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("aud2");
        await server.CreateProjectAsync("aud2", "app");
        await server.CreateGroupAsync("aud2-other");
        await server.CreateProjectAsync("aud2-other", "app");
        var owner = await server.CreateUserWithTokenAsync("aud2-owner");
        var maintainer = await server.CreateUserWithTokenAsync("aud2-maint");
        await server.AddGroupMemberAsync("aud2", "aud2-owner", "OWNER");
        await server.AddGroupMemberAsync("aud2", "aud2-maint", "MAINTAINER");
        for (var i = 0; i < 5; i++) await server.PublishAsync("aud2/app", "p", $"1.{i}", "f.bin", $"{i}");
        await server.PublishAsync("aud2-other/app", "q", "1.0", "f.bin", "other");

        const string projectQuery = $"query($p: ID!, $after: String) {{ project(fullPath: $p) {{ auditEvents(first: 2, after: $after) {{ count pageInfo {{ hasNextPage endCursor }} nodes {{ {Fields} }} }} }} }}";
        var page = (await server.GraphQLAsync(projectQuery, new { p = "aud2/app" }, owner)).GetProperty("project").GetProperty("auditEvents");
        Assert.Equal(5, page.GetProperty("count").GetInt32());
        var seen = page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("targetDetails").GetString()!).ToList();
        while (page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
        {
            page = (await server.GraphQLAsync(projectQuery, new { p = "aud2/app", after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString() }, owner))
                .GetProperty("project").GetProperty("auditEvents");
            seen.AddRange(page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("targetDetails").GetString()!));
        }
        // Newest first, each once.
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"p/1.{i}/f.bin"), seen);

        var group = await EventsAsync(server, $"query {{ group(fullPath: \"aud2\") {{ auditEvents {{ nodes {{ {Fields} }} }} }} }}", null, owner, "group", "auditEvents");
        Assert.Equal(5, group.Length);
        Assert.DoesNotContain(group, e => e.GetProperty("entityPath").GetString() == "aud2-other/app");

        Assert.Equal(JsonValueKind.Null, (await server.GraphQLAsync($"query {{ project(fullPath: \"aud2/app\") {{ auditEvents {{ count }} }} }}", null, maintainer))
            .GetProperty("project").GetProperty("auditEvents").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await server.GraphQLAsync("{ auditEvents { count } }", null, owner)).GetProperty("auditEvents").ValueKind);
        // Six publishes and the two users' tokens.
        Assert.Equal(8, (await server.GraphQLAsync("{ auditEvents { count } }")).GetProperty("auditEvents").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Owners_filter_a_projects_and_a_groups_events_by_action_and_by_author()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("aud3");
        await server.CreateProjectAsync("aud3", "app");
        var owner = await server.CreateUserWithTokenAsync("aud3-owner");
        var developer = await server.CreateUserWithTokenAsync("aud3-dev");
        await server.AddGroupMemberAsync("aud3", "aud3-owner", "OWNER");
        await server.AddGroupMemberAsync("aud3", "aud3-dev", "DEVELOPER");
        await server.PublishAsync("aud3/app", "p", "1.0", "a.bin", "a", token: developer);
        await server.PublishAsync("aud3/app", "p", "1.1", "a.bin", "b", token: owner);
        await server.PublishAsync("aud3/app", "p", "1.2", "a.bin", "c", token: developer);
        Assert.Empty((await server.MutateAsync("updatePackagesCleanupPolicy", new { projectPath = "aud3/app", keepNDuplicatedPackageFiles = "TEN_PACKAGE_FILES" }, owner)).Errors());

        async Task<string[]> Events(string field, string path, string? eventName, string? authorName)
        {
            var query = $"query($p: ID!, $e: String, $a: String) {{ {field}(fullPath: $p) {{ auditEvents(eventName: $e, authorName: $a) {{ count nodes {{ eventName authorName targetDetails }} }} }} }}";
            var events = (await server.GraphQLAsync(query, new { p = path, e = eventName, a = authorName }, owner)).GetProperty(field).GetProperty("auditEvents");
            var nodes = events.GetProperty("nodes").EnumerateArray().Select(n => $"{n.GetProperty("eventName").GetString()} {n.GetProperty("authorName").GetString()} {n.GetProperty("targetDetails").GetString()}").ToArray();
            Assert.Equal(nodes.Length, events.GetProperty("count").GetInt32());
            return nodes;
        }

        foreach (var (kind, path) in new[] { ("project", "aud3/app"), ("group", "aud3") })
        {
            Assert.Equal(4, (await Events(kind, path, null, null)).Length);
            Assert.Equal(["package_file_published aud3-dev p/1.2/a.bin", "package_file_published aud3-owner p/1.1/a.bin", "package_file_published aud3-dev p/1.0/a.bin"],
                await Events(kind, path, "package_file_published", null));
            Assert.Equal(["packages_cleanup_policy_updated aud3-owner", "package_file_published aud3-owner"],
                (await Events(kind, path, null, "aud3-owner")).Select(e => string.Join(' ', e.Split(' ').Take(2))).ToArray());
            Assert.Equal(["package_file_published aud3-dev p/1.2/a.bin", "package_file_published aud3-dev p/1.0/a.bin"], await Events(kind, path, "package_file_published", "aud3-dev"));
            Assert.Empty(await Events(kind, path, "packages_cleanup_policy_updated", "aud3-dev"));
        }
    }
}
