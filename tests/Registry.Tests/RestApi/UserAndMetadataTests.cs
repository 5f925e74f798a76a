using System.Net;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.RestApi;

/// <summary>
/// What GitLab's clients ask first: <c>GET /user</c> (the token's user; 401 for job and deploy tokens, as GitLab),
/// <c>GET /version</c> and <c>/metadata</c> (for signed-in users).
/// </summary>
public sealed class UserAndMetadataTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Root => Server.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task The_user_endpoint_answers_the_tokens_user()
    {
        var token = await Server.CreateUserWithTokenAsync("me-user");
        using var client = Server.Client(token);
        var me = await client.GetOkAsync("/api/v4/user");
        Assert.Equal("me-user", me.GetProperty("username").GetString());
        Assert.Equal(Root + "/me-user", me.GetProperty("web_url").GetString());
        Assert.Equal("active", me.GetProperty("state").GetString());
        Assert.False(me.GetProperty("bot").GetBoolean());
        Assert.True(me.GetProperty("can_create_group").GetBoolean());
        Assert.False(me.TryGetProperty("is_admin", out _));
        Assert.True(me.GetProperty("id").GetInt64() > 0);

        using var root = Server.Client(RegistryServer.RootToken);
        var admin = await root.GetOkAsync("/api/v4/user");
        Assert.Equal("root", admin.GetProperty("username").GetString());
        Assert.True(admin.GetProperty("is_admin").GetBoolean());

        // A read_api token reads its user too; Bearer works as PRIVATE-TOKEN does.
        var readApi = await Server.CreatePersonalAccessTokenAsync("me-user", ["READ_API"]);
        using var bearer = Server.Client(h => h.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", readApi));
        Assert.Equal("me-user", (await bearer.GetOkAsync("/api/v4/user")).GetProperty("username").GetString());
    }

    [Fact]
    public async Task The_user_endpoint_is_401_without_a_user_token()
    {
        await Server.CreateGroupAsync("me-group");
        await Server.CreateProjectAsync("me-group", "app");
        var dev = await Server.CreateUserWithTokenAsync("me-dev");
        await Server.AddProjectMemberAsync("me-group/app", "me-dev", "DEVELOPER");
        var job = await Server.CreateCiJobTokenAsync("me-group/app", dev);
        var (deploy, _) = await Server.CreateDeployTokenAsync("me-group/app", "READ_PACKAGE_REGISTRY");

        foreach (var (what, configure) in new (string, Action<System.Net.Http.Headers.HttpRequestHeaders>)[]
        {
            ("anonymous", _ => { }),
            ("job token", h => h.Add("JOB-TOKEN", job)),
            ("deploy token", h => h.Add("DEPLOY-TOKEN", deploy)),
            ("invalid token", h => h.Add("PRIVATE-TOKEN", "glpat-invalid-invalid")),
        })
        {
            using var client = Server.Client(configure);
            foreach (var url in new[] { "/api/v4/user", "/api/v4/version", "/api/v4/metadata" })
            {
                using var response = await client.GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url} as {what}: {(int)response.StatusCode}");
                Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
                Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
            }
        }
    }

    [Fact]
    public async Task Version_and_metadata_name_the_gitlab_api_followed_and_this_registrys_revision()
    {
        using var client = Server.Client(RegistryServer.RootToken);
        var metadata = await client.GetOkAsync("/api/v4/metadata");
        var version = await client.GetOkAsync("/api/v4/version");
        Assert.Equal(metadata.ToString(), version.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", metadata.GetProperty("version").GetString());
        Assert.Equal(Registry.Server.Instance.GitLabCompatibility.Revision, metadata.GetProperty("revision").GetString());
        Assert.Matches("^[0-9a-f]{7,40}$", metadata.GetProperty("revision").GetString());
        Assert.False(metadata.GetProperty("enterprise").GetBoolean());
        Assert.False(metadata.GetProperty("kas").GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, metadata.GetProperty("kas").GetProperty("externalUrl").ValueKind);
    }
}
