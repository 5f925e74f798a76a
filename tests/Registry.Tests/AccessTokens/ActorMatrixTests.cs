using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.AccessTokens;

/// <summary>
/// One private project in a private group, and every kind of actor GitLab knows: administrators, Owners, Maintainers,
/// Developers and Reporters with <c>api</c> or <c>read_api</c> tokens, CI job tokens, project and group deploy tokens
/// with read or write scopes, project access tokens of several roles and scopes, an outsider.
/// </summary>
public sealed class ActorMatrixFixture : IAsyncLifetime
{
    public const string Group = "actors";
    public const string Project = "actors/app";
    public RegistryServer Server { get; private set; } = null!;

    public List<ActorRow> Rows { get; } = [];

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync(Group);
        var projectId = await Server.CreateProjectAsync(Group, "app");
        await Server.CreateGroupAsync("actors-other");
        async Task<(string Api, string ReadApi)> UserAsync(string name, bool admin = false)
        {
            await Server.CreateUserAsync(name, admin);
            return (await Server.CreatePersonalAccessTokenAsync(name, ["API"]), await Server.CreatePersonalAccessTokenAsync(name, ["READ_API"]));
        }
        var admin = await UserAsync("actors-admin", admin: true);
        var owner = await UserAsync("actors-owner");
        var maintainer = await UserAsync("actors-maintainer");
        var developer = await UserAsync("actors-developer");
        var reporter = await UserAsync("actors-reporter");
        var groupMaintainer = await UserAsync("actors-group-maintainer");
        var outsider = await UserAsync("actors-outsider");
        await Server.AddGroupMemberAsync(Group, "actors-owner", "OWNER");
        await Server.AddGroupMemberAsync(Group, "actors-group-maintainer", "MAINTAINER");
        await Server.AddProjectMemberAsync(Project, "actors-maintainer", "MAINTAINER");
        await Server.AddProjectMemberAsync(Project, "actors-developer", "DEVELOPER");
        await Server.AddProjectMemberAsync(Project, "actors-reporter", "REPORTER");
        var maintainerJob = await Server.CreateCiJobTokenAsync(Project, maintainer.Api);
        var developerJob = await Server.CreateCiJobTokenAsync(Project, developer.Api);
        var deployRead = await Server.CreateDeployTokenAsync(Project, "READ_PACKAGE_REGISTRY");
        var deployWrite = await Server.CreateDeployTokenAsync(Project, "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
        var groupDeployWrite = await Server.CreateGroupDeployTokenAsync(Group, "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
        var foreignDeploy = await Server.CreateGroupDeployTokenAsync("actors-other", "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");

        Action<HttpRequestHeaders> Private(string token) => h => h.Add("PRIVATE-TOKEN", token);
        Action<HttpRequestHeaders> Job(string token) => h => h.Add("JOB-TOKEN", token);
        Action<HttpRequestHeaders> Deploy(string token) => h => h.Add("DEPLOY-TOKEN", token);
        // Columns: visible, read, publish, delete, maintain (protection rules, cleanup policy), group package settings.
        Rows.Add(new("administrator api", Private(admin.Api), true, true, true, true, true, true, admin.Api));
        Rows.Add(new("administrator read_api", Private(admin.ReadApi), true, true, false, false, false, false, admin.ReadApi));
        Rows.Add(new("group owner api", Private(owner.Api), true, true, true, true, true, true, owner.Api));
        Rows.Add(new("group owner read_api", Private(owner.ReadApi), true, true, false, false, false, false, owner.ReadApi));
        Rows.Add(new("group maintainer api", Private(groupMaintainer.Api), true, true, true, true, true, false, groupMaintainer.Api));
        Rows.Add(new("maintainer api", Private(maintainer.Api), true, true, true, true, true, false, maintainer.Api));
        Rows.Add(new("maintainer read_api", Private(maintainer.ReadApi), true, true, false, false, false, false, maintainer.ReadApi));
        Rows.Add(new("developer api", Private(developer.Api), true, true, true, false, false, false, developer.Api));
        Rows.Add(new("developer read_api", Private(developer.ReadApi), true, true, false, false, false, false, developer.ReadApi));
        Rows.Add(new("reporter api", Private(reporter.Api), true, true, false, false, false, false, reporter.Api));
        Rows.Add(new("outsider api", Private(outsider.Api), false, false, false, false, false, false, outsider.Api));
        Rows.Add(new("maintainer's job token", Job(maintainerJob), true, true, true, true, false, false, null));
        Rows.Add(new("developer's job token", Job(developerJob), true, true, true, false, false, false, null));
        Rows.Add(new("read deploy token", Deploy(deployRead.Token), true, true, false, false, false, false, null));
        Rows.Add(new("write deploy token", Deploy(deployWrite.Token), true, true, true, true, false, false, null));
        Rows.Add(new("group write deploy token", Deploy(groupDeployWrite.Token), true, true, true, true, false, false, null));
        Rows.Add(new("other group's deploy token", Deploy(foreignDeploy.Token), false, false, false, false, false, false, null));
        foreach (var (level, scope, read, publish, delete, maintain) in new[]
        {
            (40, "api", true, true, true, true), (40, "read_api", true, false, false, false),
            (20, "read_api", true, false, false, false), (10, "api", false, false, false, false),
        })
        {
            using var client = Server.Client(RegistryServer.RootToken);
            using var created = await client.PostAsJsonAsync($"/api/v4/projects/{projectId}/access_tokens",
                new { name = $"actors-{level}-{scope}", scopes = new[] { scope }, access_level = level, expires_at = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") });
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, body);
            var token = JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
            Rows.Add(new($"project access token {level} {scope}", Private(token), true, read, publish, delete, maintain, false, token));
        }
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>An actor and what GitLab lets it do in <see cref="ActorMatrixFixture.Project"/> and its group.</summary>
/// <param name="GraphQLToken">the PRIVATE-TOKEN to send to GraphQL (null: the actor does not use GraphQL)</param>
public sealed record ActorRow(string Name, Action<HttpRequestHeaders> Auth, bool Visible, bool Read, bool Publish, bool Delete,
    bool Maintain, bool Settings, string? GraphQLToken);

/// <summary>
/// Every "who passes a rule" branch of the permission model that is not a protection rule (those are in
/// ProtectionMatrixTests), walked as a table: one row per actor, so a broken exemption or a scope taken for another
/// shows as the rows it breaks. Denials are GitLab's: 404 where the actor cannot see the project, 403 where it can.
/// </summary>
public sealed class ActorMatrixTests(ActorMatrixFixture fixture) : IClassFixture<ActorMatrixFixture>
{
    private RegistryServer Server => fixture.Server;
    private static string Slug(string name) => name.Replace(' ', '-').Replace("'", "").Replace('_', '-');
    private static readonly string PackagesUrl = $"/api/v4/projects/{Uri.EscapeDataString(ActorMatrixFixture.Project)}/packages";

    private static HttpStatusCode Denied(ActorRow row) => row.Visible ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    private async Task<(HttpStatusCode, string)> SendAsync(ActorRow row, HttpMethod method, string url, HttpContent? content = null)
    {
        using var client = Server.Client(row.Auth);
        using var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = content });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Download_publish_and_delete_follow_role_and_scope_for_every_kind_of_actor()
    {
        await Server.PublishAsync(ActorMatrixFixture.Project, "read-me", "1.0.0", "f.bin", [7]);
        var wrong = new List<string>();
        void Check(ActorRow row, string what, bool allowed, HttpStatusCode success, HttpStatusCode status, string body)
        {
            var expected = allowed ? success : Denied(row);
            if (status != expected) wrong.Add($"{row.Name}: {what} answered {(int)status} {body}, expected {(int)expected}");
        }
        foreach (var row in fixture.Rows)
        {
            var (read, readBody) = await SendAsync(row, HttpMethod.Get, Publishing.Url(ActorMatrixFixture.Project, "read-me", "1.0.0", "f.bin"));
            Check(row, "download", row.Read, HttpStatusCode.OK, read, readBody);

            var name = "pub-" + Slug(row.Name);
            var (put, putBody) = await SendAsync(row, HttpMethod.Put, Publishing.Url(ActorMatrixFixture.Project, name, "1.0.0", "f.bin"), new ByteArrayContent([1]));
            Check(row, "publish", row.Publish, HttpStatusCode.Created, put, putBody);

            var victim = "del-" + Slug(row.Name);
            await Server.PublishAsync(ActorMatrixFixture.Project, victim, "1.0.0", "f.bin", [2]);
            var (delete, deleteBody) = await SendAsync(row, HttpMethod.Delete, $"{PackagesUrl}/generic/{victim}/1.0.0");
            Check(row, "delete", row.Delete, HttpStatusCode.NoContent, delete, deleteBody);
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>
    /// The group's package list decides project by project in one pass (administrators, then users by membership, bots
    /// and narrow scopes one project at a time): it shows the project's packages to exactly the rows that read them.
    /// </summary>
    [Fact]
    public async Task Group_package_list_shows_the_project_to_exactly_its_readers()
    {
        await Server.PublishAsync(ActorMatrixFixture.Project, "listed", "1.0.0", "f.bin", [3]);
        var wrong = new List<string>();
        foreach (var row in fixture.Rows.Where(r => r.GraphQLToken is not null))
        {
            var (status, body) = await SendAsync(row, HttpMethod.Get, $"/api/v4/groups/{ActorMatrixFixture.Group}/packages?package_name=listed");
            var expected = row.Visible ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            var listed = status == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "listed");
            if (status != expected || listed != row.Read)
                wrong.Add($"{row.Name}: the group's package list answered {(int)status} {body}, expected {(int)expected} {(row.Read ? "with" : "without")} the package");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>GitLab's <c>admin_package</c>: protection rules (REST) and the cleanup policy (GraphQL).</summary>
    [Fact]
    public async Task Only_maintainers_owners_and_administrators_with_api_manage_rules_and_policies()
    {
        var wrong = new List<string>();
        foreach (var row in fixture.Rows)
        {
            var (status, body) = await SendAsync(row, HttpMethod.Post, PackagesUrl + "/protection/rules", JsonContent.Create(new
            {
                package_name_pattern = $"rule-{Slug(row.Name)}-*", package_type = "generic", minimum_access_level_for_push = "maintainer",
            }));
            var expected = row.Maintain ? HttpStatusCode.Created : Denied(row);
            if (status != expected) wrong.Add($"{row.Name}: creating a protection rule answered {(int)status} {body}, expected {(int)expected}");

            if (row.GraphQLToken is null) continue;
            var keep = row.Maintain ? "ONE_PACKAGE_FILE" : "TEN_PACKAGE_FILES";
            var answer = await Server.GraphQLRawAsync("mutation($i: UpdatePackagesCleanupPolicyInput!) { updatePackagesCleanupPolicy(input: $i) { errors } }",
                new { i = new { projectPath = ActorMatrixFixture.Project, keepNDuplicatedPackageFiles = keep } }, row.GraphQLToken);
            if (Succeeded(answer, "updatePackagesCleanupPolicy") != row.Maintain)
                wrong.Add($"{row.Name}: updating the cleanup policy answered {answer}, expected {(row.Maintain ? "success" : "a refusal")}");
            var run = await Server.GraphQLRawAsync("mutation($i: RunPackagesCleanupPolicyInput!) { runPackagesCleanupPolicy(input: $i) { errors } }",
                new { i = new { projectPath = ActorMatrixFixture.Project } }, row.GraphQLToken);
            if (Succeeded(run, "runPackagesCleanupPolicy") != row.Maintain)
                wrong.Add($"{row.Name}: running the cleanup policy answered {run}, expected {(row.Maintain ? "success" : "a refusal")}");
        }
        // Nobody refused changed the policy: the last word is a maintainer's ONE_PACKAGE_FILE, never TEN.
        var policy = await Server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packagesCleanupPolicy { keepNDuplicatedPackageFiles } } }",
            new { p = ActorMatrixFixture.Project });
        Assert.Equal("ONE_PACKAGE_FILE", policy.GetProperty("project").GetProperty("packagesCleanupPolicy").GetProperty("keepNDuplicatedPackageFiles").GetString());
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>Group package settings: the group's Owners and administrators, with a token that may write.</summary>
    [Fact]
    public async Task Only_owners_and_administrators_with_api_change_group_package_settings()
    {
        var wrong = new List<string>();
        foreach (var row in fixture.Rows.Where(r => r.GraphQLToken is not null))
        {
            var regex = Slug(row.Name);
            var answer = await Server.GraphQLRawAsync(
                "mutation($i: UpdateNamespacePackageSettingsInput!) { updateNamespacePackageSettings(input: $i) { errors } }",
                new { i = new { namespacePath = ActorMatrixFixture.Group, genericDuplicateExceptionRegex = regex } }, row.GraphQLToken);
            var changed = (await Server.ReadSettingsAsync(ActorMatrixFixture.Group)).Regex == regex;
            if (Succeeded(answer, "updateNamespacePackageSettings") != row.Settings || changed != row.Settings)
                wrong.Add($"{row.Name}: changing the group's settings answered {answer} (changed: {changed}), expected {(row.Settings ? "success" : "a refusal")}");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    private static bool Succeeded(JsonElement answer, string mutation) =>
        !answer.TryGetProperty("errors", out _)
        && answer.GetProperty("data").GetProperty(mutation) is { ValueKind: JsonValueKind.Object } payload
        && payload.GetProperty("errors").GetArrayLength() == 0;
}
