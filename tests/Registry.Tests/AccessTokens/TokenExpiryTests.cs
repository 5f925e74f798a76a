using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.AccessTokens;

/// <summary>
/// Every token kind stops working at its expiry, on the generic endpoints and on GraphQL: personal and deploy tokens
/// at their <c>expiresAt</c>, CI job tokens one hour after they were minted.
/// </summary>
public sealed class TokenExpiryTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private RegistryServer Server => fixture.Server;

    private async Task<(long ProjectId, string Path)> ProjectWithFileAsync(string group)
    {
        await Server.CreateGroupAsync(group);
        var id = await Server.CreateProjectAsync(group, "app");
        await Server.PublishAsync(id, "pkg", "1.0", "f.txt", "expiry");
        return (id, group + "/app");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        using var _ = response;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("Basic realm=\"GitLab Packages Registry\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("personal")]
    [InlineData("deploy")]
    public async Task A_token_works_until_its_expiry_and_is_401_from_then_on(string kind)
    {
        var (projectId, path) = await ProjectWithFileAsync("exp-" + kind);
        var expiresAt = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(2);
        string token, header;
        if (kind == "personal")
        {
            await Server.CreateUserAsync("exp-user");
            await Server.AddProjectMemberAsync(path, "exp-user", "DEVELOPER");
            (token, header) = (await Server.CreatePersonalAccessTokenAsync("exp-user", ["API"], expiresAt), "PRIVATE-TOKEN");
        }
        else
        {
            var payload = await Server.MutateAsync("createDeployToken",
                new { projectPath = path, name = "e", scopes = new[] { "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY" }, expiresAt },
                selection: "token expiresAt errors");
            Assert.Empty(payload.Errors());
            Assert.Equal(expiresAt, payload.GetProperty("expiresAt").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));
            (token, header) = (payload.GetProperty("token").GetString()!, "DEPLOY-TOKEN");
        }
        using var client = Server.Client(h => h.Add(header, token));
        var url = Publishing.Url(projectId, "pkg", "1.0", "f.txt");

        fixture.Clock.SetUtcNow(expiresAt.AddSeconds(-1));
        using (var before = await client.GetAsync(url))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        fixture.Clock.SetUtcNow(expiresAt);
        await AssertRefusedAsync(await client.GetAsync(url));
        await AssertRefusedAsync(await client.PutAsync(Publishing.Url(projectId, "pkg", "1.0", "after.txt"), new ByteArrayContent([1])));
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(projectId, "pkg", "1.0", "after.txt")).Status);
        if (kind == "personal")
        {
            var graphql = await Server.GraphQLResponseAsync("{ currentUser { username } }", token: token);
            Assert.Equal(HttpStatusCode.Unauthorized, graphql.StatusCode);
            Assert.Equal(["Invalid token"], graphql.ErrorMessages);
        }
    }

    [Fact]
    public async Task A_job_token_expires_one_hour_after_it_was_minted()
    {
        var (projectId, path) = await ProjectWithFileAsync("exp-job");
        var developer = await Server.CreateUserWithTokenAsync("exp-job-dev");
        await Server.AddProjectMemberAsync(path, "exp-job-dev", "DEVELOPER");
        var minted = fixture.Clock.GetUtcNow().UtcDateTime;
        var payload = await Server.MutateAsync("createCiJobToken", new { projectPath = path }, developer, "token expiresAt errors");
        Assert.Empty(payload.Errors());
        Assert.Equal(minted.AddHours(1), payload.GetProperty("expiresAt").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));
        using var client = Server.Client(h => h.Add("JOB-TOKEN", payload.GetProperty("token").GetString()!));
        var url = Publishing.Url(projectId, "pkg", "1.0", "f.txt");

        fixture.Clock.SetUtcNow(minted.AddMinutes(59));
        using (var put = await client.PutAsync(Publishing.Url(projectId, "pkg", "1.0", "in-time.txt"), new ByteArrayContent([1])))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        fixture.Clock.SetUtcNow(minted.AddHours(1));
        await AssertRefusedAsync(await client.GetAsync(url));
        await AssertRefusedAsync(await client.PutAsync(Publishing.Url(projectId, "pkg", "1.0", "late.txt"), new ByteArrayContent([1])));
        Assert.Equal(HttpStatusCode.NotFound, (await Server.DownloadAsync(projectId, "pkg", "1.0", "late.txt")).Status);
    }

    [Fact]
    public async Task An_expiry_in_the_past_is_refused_when_the_token_is_created()
    {
        await Server.CreateUserAsync("exp-past");
        var yesterday = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(-1);
        var payload = await Server.MutateAsync("createPersonalAccessToken",
            new { username = "exp-past", name = "p", scopes = new[] { "API" }, expiresAt = yesterday }, selection: "token errors");
        Assert.Equal(["Expiration date must be in the future"], payload.Errors());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, payload.GetProperty("token").ValueKind);
    }
}
