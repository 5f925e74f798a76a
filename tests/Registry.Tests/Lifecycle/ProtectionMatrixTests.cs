using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// Every kind of actor against every protection level, for push and for delete, checked against the rule as GitLab
/// states it (<see cref="PackageProtectionRule"/> on the server): administrators pass every rule; a user, a CI job token
/// (its user's role) or a project access token (its bot's role) passes when its role reaches the level; a deploy token
/// never pushes a name any rule matches and never deletes one a delete level protects. One row per actor and level,
/// so a broken exemption (administrators no longer exempt, say) shows as the rows it breaks.
/// </summary>
public sealed class ProtectionMatrixFixture : IAsyncLifetime
{
    public const string Group = "matrix";
    public const string Project = "matrix/app";
    public RegistryServer Server { get; private set; } = null!;

    /// <summary>Each actor: how it authenticates, and its role in the project (null: administrator; 0: deploy token).</summary>
    public Dictionary<string, (Action<System.Net.Http.Headers.HttpRequestHeaders> Auth, int? Role)> Actors { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync(Group);
        var projectId = await Server.CreateProjectAsync(Group, "app");
        var owner = await Server.CreateUserWithTokenAsync("matrix-owner");
        var maintainer = await Server.CreateUserWithTokenAsync("matrix-maintainer");
        var developer = await Server.CreateUserWithTokenAsync("matrix-developer");
        await Server.AddGroupMemberAsync(Group, "matrix-owner", "OWNER");
        await Server.AddProjectMemberAsync(Project, "matrix-maintainer", "MAINTAINER");
        await Server.AddProjectMemberAsync(Project, "matrix-developer", "DEVELOPER");
        var developerJob = await Server.CreateCiJobTokenAsync(Project, developer);
        var maintainerJob = await Server.CreateCiJobTokenAsync(Project, maintainer);
        var deploy = await Server.CreateDeployTokenAsync(Project, "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
        Actors["administrator"] = (h => h.Add("PRIVATE-TOKEN", RegistryServer.RootToken), null);
        Actors["owner"] = (h => h.Add("PRIVATE-TOKEN", owner), 50);
        Actors["maintainer"] = (h => h.Add("PRIVATE-TOKEN", maintainer), 40);
        Actors["developer"] = (h => h.Add("PRIVATE-TOKEN", developer), 30);
        Actors["developer's job token"] = (h => h.Add("JOB-TOKEN", developerJob), 30);
        Actors["maintainer's job token"] = (h => h.Add("JOB-TOKEN", maintainerJob), 40);
        Actors["deploy token"] = (h => h.Add("DEPLOY-TOKEN", deploy.Token), 0);
        foreach (var (level, name) in new[] { (30, "developer"), (40, "maintainer"), (50, "owner") })
        {
            using var client = Server.Client(RegistryServer.RootToken);
            using var created = await client.PostAsJsonAsync($"/api/v4/projects/{projectId}/access_tokens",
                new { name = "matrix-" + name, scopes = new[] { "api" }, access_level = level, expires_at = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") });
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, body);
            var token = JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
            Actors[$"{name} project access token"] = (h => h.Add("PRIVATE-TOKEN", token), level);
        }
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

public sealed class ProtectionMatrixTests(ProtectionMatrixFixture fixture) : IClassFixture<ProtectionMatrixFixture>
{
    private RegistryServer Server => fixture.Server;
    private const string RulesUrl = "/api/v4/projects/matrix%2Fapp/packages/protection/rules";

    private static int? Level(string? level) => level switch { null => null, "maintainer" => 40, "owner" => 50, "admin" => 60, _ => throw new ArgumentException(level) };

    private async Task<long> CreateRuleAsync(string pattern, string? push, string? delete)
    {
        using var client = Server.Client(RegistryServer.RootToken);
        using var response = await client.PostAsJsonAsync(RulesUrl, new Dictionary<string, object?>
        {
            ["package_name_pattern"] = pattern, ["package_type"] = "generic",
            ["minimum_access_level_for_push"] = push, ["minimum_access_level_for_delete"] = delete,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    private async Task<(HttpStatusCode, string)> SendAsync(string actor, HttpMethod method, string url, HttpContent? content = null)
    {
        using var client = Server.Client(fixture.Actors[actor].Auth);
        using var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = content });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A rule of each push level (none: the rule protects deletion only, and pushes need Developer as always).</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("maintainer")]
    [InlineData("owner")]
    [InlineData("admin")]
    public async Task Push_obeys_the_level_for_every_kind_of_actor(string? pushLevel)
    {
        var prefix = "push-" + (pushLevel ?? "none");
        await CreateRuleAsync(prefix + "-*", pushLevel, pushLevel is null ? "owner" : null);
        var wrong = new List<string>();
        foreach (var (actor, (_, role)) in fixture.Actors)
        {
            var allowed = role switch
            {
                null => true,
                0 => false,
                var r => r >= (Level(pushLevel) ?? 30),
            };
            var name = $"{prefix}-{actor.Replace(' ', '-').Replace("'", "")}";
            var (status, body) = await SendAsync(actor, HttpMethod.Put, Publishing.Url(ProtectionMatrixFixture.Project, name, "1.0.0", "f.bin"),
                new ByteArrayContent([1, 2, 3]));
            var expected = allowed ? HttpStatusCode.Created : HttpStatusCode.Forbidden;
            if (status != expected || !allowed && body != """{"message":"403 Forbidden - Package protected."}""")
                wrong.Add($"{actor}: push under a {pushLevel ?? "delete-only"} rule answered {(int)status} {body}, expected {(int)expected}");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>A rule of each delete level (none: the rule protects pushes only, and deletes need Maintainer or a write deploy token as always).</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("owner")]
    [InlineData("admin")]
    public async Task Delete_obeys_the_level_for_every_kind_of_actor(string? deleteLevel)
    {
        var prefix = "delete-" + (deleteLevel ?? "none");
        await CreateRuleAsync(prefix + "-*", deleteLevel is null ? "maintainer" : null, deleteLevel);
        var wrong = new List<string>();
        foreach (var (actor, (_, role)) in fixture.Actors)
        {
            var mayDeleteAtAll = role is null or 0 or >= 40; // Maintainers and write deploy tokens delete packages
            var allowed = role switch
            {
                null => true,
                0 => deleteLevel is null,
                var r => r >= (Level(deleteLevel) ?? 40),
            };
            var name = $"{prefix}-{actor.Replace(' ', '-').Replace("'", "")}";
            await Server.PublishAsync(ProtectionMatrixFixture.Project, name, "1.0.0", "f.bin", [1]);
            var (status, body) = await SendAsync(actor, HttpMethod.Delete,
                Publishing.Url(ProtectionMatrixFixture.Project, name, "1.0.0"));
            var expected = allowed ? HttpStatusCode.NoContent : HttpStatusCode.Forbidden;
            var protectedMessage = """{"message":"403 Forbidden - Package is deletion protected."}""";
            if (status != expected || !allowed && mayDeleteAtAll && body != protectedMessage)
                wrong.Add($"{actor}: delete under a {deleteLevel ?? "push-only"} rule answered {(int)status} {body}, expected {(int)expected}");
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }
}
