using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.AccessTokens;

/// <summary>
/// Project and group access tokens as GitLab has them: a bot user with a role in that one project (or group), scopes
/// and an expiry; managed by Maintainers (Owners for groups) through GitLab's REST endpoints and GraphQL. The seed's
/// rule: read_api and Reporter downloads, Guest does not, Developer with api publishes; revoked or expired is 401.
/// </summary>
public sealed class AccessTokenTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private RegistryServer Server => fixture.Server;

    private sealed record Setup(string Group, string ProjectPath, long ProjectId, string Maintainer, string Developer, string Owner);

    private async Task<Setup> SetupAsync(string prefix)
    {
        var group = $"{prefix}-{Guid.NewGuid():N}"[..20];
        await Server.CreateGroupAsync(group);
        var projectId = await Server.CreateProjectAsync(group, "app");
        var path = group + "/app";
        await Server.PublishAsync(projectId, "pkg", "1.0.0", "f.txt", "token content");
        var maintainer = await Server.CreateUserWithTokenAsync(group + "-m");
        await Server.AddProjectMemberAsync(path, group + "-m", "MAINTAINER");
        var developer = await Server.CreateUserWithTokenAsync(group + "-d");
        await Server.AddProjectMemberAsync(path, group + "-d", "DEVELOPER");
        var owner = await Server.CreateUserWithTokenAsync(group + "-o");
        await Server.AddGroupMemberAsync(group, group + "-o", "OWNER");
        return new Setup(group, path, projectId, maintainer, developer, owner);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string token, string url, object body)
    {
        using var client = Server.Client(token);
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> CreateProjectTokenAsync(Setup s, string[] scopes, int accessLevel, string? expiresAt = null)
    {
        var (status, body) = await PostAsync(s.Maintainer, $"/api/v4/projects/{s.ProjectId}/access_tokens",
            new { name = "ci", scopes, access_level = accessLevel, expires_at = expiresAt });
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        return body;
    }

    private async Task<HttpStatusCode> DownloadAsync(Setup s, string token)
    {
        var (status, _) = await Server.DownloadAsync(s.ProjectId, "pkg", "1.0.0", "f.txt", token);
        return status;
    }

    private async Task<HttpStatusCode> UploadAsync(Setup s, string token)
    {
        using var response = await Server.UploadAsync(s.ProjectId, "pkg", "1.0.1", "f.txt", "x"u8.ToArray(), token: token);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_read_api_reporter_token_downloads_and_a_guest_token_does_not()
    {
        var s = await SetupAsync("pat-read");
        var reporter = await CreateProjectTokenAsync(s, ["read_api"], 20);
        var token = reporter.GetProperty("token").GetString()!;
        Assert.StartsWith("glpat-", token);
        Assert.Equal(HttpStatusCode.OK, await DownloadAsync(s, token));
        Assert.Equal(HttpStatusCode.Forbidden, await UploadAsync(s, token));
        using (var client = Server.Client(token))
            Assert.Single((await client.GetOkAsync($"/api/v4/projects/{s.ProjectId}/packages")).EnumerateArray());

        var guest = (await CreateProjectTokenAsync(s, ["read_api"], 10)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, await DownloadAsync(s, guest));
        using (var client = Server.Client(guest))
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v4/projects/{s.ProjectId}/packages")).StatusCode);

        // Registry scopes open GitLab's container registry, which does not exist here: no package reads through the API.
        var registryOnly = (await CreateProjectTokenAsync(s, ["read_registry"], 20)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, await DownloadAsync(s, registryOnly));

        var writer = (await CreateProjectTokenAsync(s, ["api"], 30)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.Created, await UploadAsync(s, writer));
        // Basic with any user name and the token as the password, as for personal tokens.
        using var basic = Server.Client(h => h.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("anyone:" + token))));
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync(Publishing.Url(s.ProjectId, "pkg", "1.0.0", "f.txt"))).StatusCode);
    }

    [Fact]
    public async Task The_token_has_gitlabs_fields_and_its_bot_is_the_tokens_user()
    {
        var s = await SetupAsync("pat-shape");
        var expires = fixture.Clock.GetUtcNow().UtcDateTime.Date.AddDays(30).ToString("yyyy-MM-dd");
        var created = await CreateProjectTokenAsync(s, ["read_api", "write_registry"], 20, expires);
        Assert.Equal("ci", created.GetProperty("name").GetString());
        Assert.Equal(["read_api", "write_registry"], created.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(20, created.GetProperty("access_level").GetInt32());
        Assert.Equal(expires, created.GetProperty("expires_at").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());
        Assert.False(created.GetProperty("revoked").GetBoolean());
        Assert.Equal("project", created.GetProperty("resource_type").GetString());
        Assert.Equal(s.ProjectId, created.GetProperty("resource_id").GetInt64());

        using var asBot = Server.Client(created.GetProperty("token").GetString()!);
        var me = await asBot.GetOkAsync("/api/v4/user");
        Assert.True(me.GetProperty("bot").GetBoolean());
        Assert.Equal(created.GetProperty("user_id").GetInt64(), me.GetProperty("id").GetInt64());
        Assert.StartsWith($"project_{s.ProjectId}_bot_", me.GetProperty("username").GetString());
        // The bot sees its project and nothing private beyond it.
        Assert.Equal(s.ProjectPath, (await asBot.GetOkAsync($"/api/v4/projects/{s.ProjectId}")).GetProperty("path_with_namespace").GetString());
        Assert.Equal([s.ProjectPath], (await asBot.GetOkAsync("/api/v4/projects?membership=true")).EnumerateArray().Select(p => p.GetProperty("path_with_namespace").GetString()));

        using var maintainer = Server.Client(s.Maintainer);
        var list = await maintainer.GetOkAsync($"/api/v4/projects/{s.ProjectId}/access_tokens");
        var listed = Assert.Single(list.EnumerateArray());
        Assert.False(listed.TryGetProperty("token", out _));
        Assert.Equal(created.GetProperty("id").GetInt64(), listed.GetProperty("id").GetInt64());
        var one = await maintainer.GetOkAsync($"/api/v4/projects/{s.ProjectId}/access_tokens/{listed.GetProperty("id").GetInt64()}");
        Assert.Equal(listed.ToString(), one.ToString());
        using var missing = await maintainer.GetAsync($"/api/v4/projects/{s.ProjectId}/access_tokens/999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"message":"404 project Access Token Not Found"}""", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_revoked_or_expired_token_is_401()
    {
        var s = await SetupAsync("pat-revoke");
        var expires = fixture.Clock.GetUtcNow().UtcDateTime.Date.AddDays(2).ToString("yyyy-MM-dd");
        var revoked = await CreateProjectTokenAsync(s, ["read_api"], 20);
        var expiring = (await CreateProjectTokenAsync(s, ["read_api"], 20, expires)).GetProperty("token").GetString()!;
        var token = revoked.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await DownloadAsync(s, token));

        using var maintainer = Server.Client(s.Maintainer);
        using (var delete = await maintainer.DeleteAsync($"/api/v4/projects/{s.ProjectId}/access_tokens/{revoked.GetProperty("id").GetInt64()}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await DownloadAsync(s, token));
        var inactive = await maintainer.GetOkAsync($"/api/v4/projects/{s.ProjectId}/access_tokens?state=inactive");
        var listed = Assert.Single(inactive.EnumerateArray());
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.False(listed.GetProperty("active").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, await DownloadAsync(s, expiring));
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(HttpStatusCode.Unauthorized, await DownloadAsync(s, expiring));
        using var expired = Server.Client(expiring);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/v4/user")).StatusCode);
    }

    [Fact]
    public async Task Only_maintainers_manage_project_tokens_and_never_above_their_own_role()
    {
        var s = await SetupAsync("pat-rules");
        using var developer = Server.Client(s.Developer);
        Assert.Equal(HttpStatusCode.Unauthorized, (await developer.GetAsync($"/api/v4/projects/{s.ProjectId}/access_tokens")).StatusCode);
        var (status, body) = await PostAsync(s.Developer, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "api" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("400 Bad request - User does not have permission to create project access token", body.GetProperty("message").GetString());

        (status, body) = await PostAsync(s.Maintainer, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "api" }, access_level = 50 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("400 Bad request - Could not provision owner access to project access token", body.GetProperty("message").GetString());

        (status, body) = await PostAsync(s.Maintainer, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("scopes is missing", body.GetProperty("error").GetString());
        (status, body) = await PostAsync(s.Maintainer, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "sudo" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("scopes does not have a valid value", body.GetProperty("error").GetString());

        // A stranger does not learn that the private project exists.
        var stranger = await Server.CreateUserWithTokenAsync(s.Group + "-x");
        (status, _) = await PostAsync(stranger, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "api" } });
        Assert.Equal(HttpStatusCode.NotFound, status);

        // Tokens manage nothing themselves: job, deploy and access tokens are 401 here, a read_api token 403.
        var job = await Server.CreateCiJobTokenAsync(s.ProjectPath, s.Developer);
        using var jobClient = Server.Client(h => h.Add("JOB-TOKEN", job));
        Assert.Equal(HttpStatusCode.Unauthorized, (await jobClient.GetAsync($"/api/v4/projects/{s.ProjectId}/access_tokens")).StatusCode);
        var botToken = await CreateProjectTokenAsync(s, ["api"], 40);
        var bot = botToken.GetProperty("token").GetString()!;
        (status, body) = await PostAsync(bot, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "api" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var created = await Server.GraphQLRawAsync("""mutation { createProject(input: {namespacePath: "x", path: "y"}) { errors } }""", token: bot);
        Assert.NotEmpty(created.GetProperty("data").GetProperty("createProject").Errors());
        var readApi = await Server.CreatePersonalAccessTokenAsync(s.Group + "-m", ["READ_API"]);
        (status, _) = await PostAsync(readApi, $"/api/v4/projects/{s.ProjectId}/access_tokens", new { name = "x", scopes = new[] { "api" } });
        Assert.Equal(HttpStatusCode.Forbidden, status);

        // GitLab's answer to a revocation by someone who may not: 400 with who cannot delete whom.
        using var developerDelete = await developer.DeleteAsync($"/api/v4/projects/{s.ProjectId}/access_tokens/{botToken.GetProperty("id").GetInt64()}");
        Assert.Equal(HttpStatusCode.BadRequest, developerDelete.StatusCode);
        Assert.Contains("cannot delete", await developerDelete.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, await UploadAsync(s, bot));
    }

    [Fact]
    public async Task Group_tokens_belong_to_owners_and_read_every_project_below()
    {
        var s = await SetupAsync("gat");
        await Server.CreateGroupAsync("sub", "PRIVATE", parentPath: s.Group);
        var subProject = await Server.CreateProjectAsync(s.Group + "/sub", "deep");
        await Server.PublishAsync(subProject, "pkg", "1.0.0", "f.txt", "deep content");

        // The project's maintainer is no owner of the group.
        await Server.AddGroupMemberAsync(s.Group, s.Group + "-m", "MAINTAINER");
        var (status, body) = await PostAsync(s.Maintainer, $"/api/v4/groups/{s.Group}/access_tokens", new { name = "g", scopes = new[] { "read_api" }, access_level = 20 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("400 Bad request - User does not have permission to create group access token", body.GetProperty("message").GetString());

        (status, body) = await PostAsync(s.Owner, $"/api/v4/groups/{Uri.EscapeDataString(s.Group)}/access_tokens", new { name = "g", scopes = new[] { "read_api" }, access_level = 20 });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal("group", body.GetProperty("resource_type").GetString());
        var token = body.GetProperty("token").GetString()!;
        var (deep, bytes) = await Server.DownloadAsync(subProject, "pkg", "1.0.0", "f.txt", token);
        Assert.Equal(HttpStatusCode.OK, deep);
        Assert.Equal("deep content", System.Text.Encoding.UTF8.GetString(bytes));
        using (var client = Server.Client(token))
            Assert.Equal(2, (await client.GetOkAsync($"/api/v4/groups/{s.Group}/packages")).GetArrayLength());

        using var owner = Server.Client(s.Owner);
        var listed = Assert.Single((await owner.GetOkAsync($"/api/v4/groups/{s.Group}/access_tokens")).EnumerateArray());
        using (var delete = await owner.DeleteAsync($"/api/v4/groups/{s.Group}/access_tokens/{listed.GetProperty("id").GetInt64()}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.DownloadAsync(subProject, "pkg", "1.0.0", "f.txt", token)).Status);
    }

    private async Task<JsonElement> RevokeAsync(string mutation, string id, string token) =>
        (await Server.GraphQLAsync($"mutation($i: RevokeTokenInput!) {{ {mutation}(input: $i) {{ errors }} }}", new { i = new { id } }, token))
        .GetProperty(mutation);

    [Fact]
    public async Task GraphQL_creates_lists_and_revokes_project_and_group_tokens()
    {
        var s = await SetupAsync("gql-tok");
        var created = await Server.MutateAsync("createProjectAccessToken",
            new { projectPath = s.ProjectPath, name = "from-graphql", scopes = new[] { "READ_API" }, accessLevel = "REPORTER" },
            s.Maintainer, "id token username expiresAt errors");
        Assert.Empty(created.Errors());
        var token = created.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await DownloadAsync(s, token));
        // A year from today by default, GitLab's lifetime when expiry is enforced.
        var expires = created.GetProperty("expiresAt").GetDateTime().ToUniversalTime();
        Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime.Date.AddDays(365), expires);

        const string query = "query($p: ID!) { project(fullPath: $p) { accessTokens { id name scopes accessLevel active revoked user { username bot } } } }";
        var asMaintainer = await Server.GraphQLAsync(query, new { p = s.ProjectPath }, s.Maintainer);
        var listed = Assert.Single(asMaintainer.GetProperty("project").GetProperty("accessTokens").EnumerateArray());
        Assert.Equal("from-graphql", listed.GetProperty("name").GetString());
        Assert.Equal(["READ_API"], listed.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("REPORTER", listed.GetProperty("accessLevel").GetString());
        Assert.True(listed.GetProperty("user").GetProperty("bot").GetBoolean());
        Assert.Equal(created.GetProperty("username").GetString(), listed.GetProperty("user").GetProperty("username").GetString());
        var asDeveloper = await Server.GraphQLAsync(query, new { p = s.ProjectPath }, s.Developer);
        Assert.Equal(JsonValueKind.Null, asDeveloper.GetProperty("project").GetProperty("accessTokens").ValueKind);

        var refused = await RevokeAsync("revokeProjectAccessToken", created.GetProperty("id").GetString()!, s.Developer);
        Assert.NotEmpty(refused.Errors());
        Assert.Equal(HttpStatusCode.OK, await DownloadAsync(s, token));
        var wrongKind = await RevokeAsync("revokeGroupAccessToken", created.GetProperty("id").GetString()!, s.Owner);
        Assert.NotEmpty(wrongKind.Errors());
        Assert.Empty((await RevokeAsync("revokeProjectAccessToken", created.GetProperty("id").GetString()!, s.Maintainer)).Errors());
        Assert.Equal(HttpStatusCode.Unauthorized, await DownloadAsync(s, token));

        var group = await Server.MutateAsync("createGroupAccessToken",
            new { groupPath = s.Group, name = "g", scopes = new[] { "API" }, accessLevel = "DEVELOPER" }, s.Owner, "id token errors");
        Assert.Empty(group.Errors());
        Assert.Equal(HttpStatusCode.Created, await UploadAsync(s, group.GetProperty("token").GetString()!));
        var groupTokens = await Server.GraphQLAsync("query($p: ID!) { group(fullPath: $p) { accessTokens { name accessLevel } } }", new { p = s.Group }, s.Owner);
        Assert.Equal("DEVELOPER", Assert.Single(groupTokens.GetProperty("group").GetProperty("accessTokens").EnumerateArray()).GetProperty("accessLevel").GetString());
        var notOwner = await Server.MutateAsync("createGroupAccessToken",
            new { groupPath = s.Group, name = "g", scopes = new[] { "API" } }, s.Maintainer, "token errors");
        Assert.NotEmpty(notOwner.Errors());
    }
}
