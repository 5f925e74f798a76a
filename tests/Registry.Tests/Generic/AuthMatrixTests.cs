using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Generic;

public enum Who
{
    Anonymous, InvalidToken, InvalidJobToken, InvalidDeployToken,
    Guest, Reporter, NonMember, Developer, Maintainer, ReadApi, DeployRead, DeployWrite, DeployReadWrite, JobToken,
}

/// <summary>How the token travels: its own header, HTTP Basic (password = token) or <c>Authorization: Bearer</c>.</summary>
public enum Form { None, Header, Basic, Bearer }

/// <summary>One server with a private, an internal and a public project, members of each role and every kind of token.</summary>
public sealed class AuthMatrixFixture : IAsyncLifetime
{
    public const string PrivateProject = "am-private/app";
    public const string PublicProject = "am-public/app";
    public const string InternalProject = "am-internal/app";
    public static readonly byte[] Content = Encoding.UTF8.GetBytes("matrix content");

    public RegistryServer Server { get; private set; } = null!;
    public string GuestToken { get; private set; } = "";
    public string ReporterToken { get; private set; } = "";
    public string MaintainerToken { get; private set; } = "";
    public string StrangerToken { get; private set; } = "";
    public string DeveloperToken { get; private set; } = "";
    public string ReadApiToken { get; private set; } = "";
    public Dictionary<(string Project, Who Who), (string Token, string Username)> ProjectTokens { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("am-private", "PRIVATE");
        await Server.CreateProjectAsync("am-private", "app", "PRIVATE");
        await Server.CreateGroupAsync("am-public", "PUBLIC");
        await Server.CreateProjectAsync("am-public", "app", "PUBLIC");
        await Server.CreateGroupAsync("am-internal", "INTERNAL");
        await Server.CreateProjectAsync("am-internal", "app", "INTERNAL");

        GuestToken = await Server.CreateUserWithTokenAsync("am-guest");
        ReporterToken = await Server.CreateUserWithTokenAsync("am-reporter");
        MaintainerToken = await Server.CreateUserWithTokenAsync("am-maintainer");
        StrangerToken = await Server.CreateUserWithTokenAsync("am-stranger");
        DeveloperToken = await Server.CreateUserWithTokenAsync("am-dev");
        ReadApiToken = await Server.CreatePersonalAccessTokenAsync("am-dev", ["READ_API"]);

        foreach (var project in new[] { PrivateProject, PublicProject, InternalProject })
        {
            await Server.AddProjectMemberAsync(project, "am-guest", "GUEST");
            await Server.AddProjectMemberAsync(project, "am-reporter", "REPORTER");
            await Server.AddProjectMemberAsync(project, "am-maintainer", "MAINTAINER");
            await Server.AddProjectMemberAsync(project, "am-dev", "DEVELOPER");
            ProjectTokens[(project, Who.DeployRead)] = await Server.CreateDeployTokenAsync(project, "READ_PACKAGE_REGISTRY");
            ProjectTokens[(project, Who.DeployWrite)] = await Server.CreateDeployTokenAsync(project, "WRITE_PACKAGE_REGISTRY");
            ProjectTokens[(project, Who.DeployReadWrite)] =
                await Server.CreateDeployTokenAsync(project, "READ_PACKAGE_REGISTRY", "WRITE_PACKAGE_REGISTRY");
            ProjectTokens[(project, Who.JobToken)] = (await Server.CreateCiJobTokenAsync(project, DeveloperToken), "gitlab-ci-token");

            using var root = Server.Client(RegistryServer.RootToken);
            var put = await root.PutAsync(Url(project, "file.txt"), new ByteArrayContent(Content));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
    }

    public static string Url(string project, string file) =>
        Publishing.Url(project, "matrix", "1.0.0", file);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The access rules (docs/api-contract.md, Access) on the generic endpoints: who gets 200/201, 401, 403 or 404, in every credential form.</summary>
public sealed class AuthMatrixTests(AuthMatrixFixture fixture) : IClassFixture<AuthMatrixFixture>
{
    private RegistryServer Server => fixture.Server;
    private static int _unique;

    public static IEnumerable<object[]> Matrix()
    {
        foreach (var visibility in new[] { "private", "internal", "public" })
        {
            var isPublic = visibility == "public";
            foreach (var (who, forms, get, put) in Expectations(visibility))
                foreach (var form in forms)
                {
                    // GitLab: on a public project a bad Basic password is anonymous for downloads; a bad header is 401.
                    var expectedGet = who == Who.InvalidToken && form == Form.Basic && isPublic ? 200 : get;
                    yield return [visibility, who, form, "GET", expectedGet];
                    yield return [visibility, who, form, "PUT", put];
                }
        }
    }

    private static IEnumerable<(Who, Form[], int Get, int Put)> Expectations(string visibility)
    {
        var isPublic = visibility == "public";
        // Internal projects are readable by every signed-in user (not by anonymous callers, deploy or job tokens of other projects).
        var signedInMayRead = visibility != "private";
        Form[] personal = [Form.Header, Form.Basic, Form.Bearer];
        Form[] headerOrBasic = [Form.Header, Form.Basic];
        yield return (Who.Anonymous, [Form.None], isPublic ? 200 : 401, 401);
        yield return (Who.InvalidToken, personal, 401, 401);
        yield return (Who.InvalidJobToken, [Form.Header], 401, 401);
        yield return (Who.InvalidDeployToken, [Form.Header], 401, 401);
        yield return (Who.Guest, personal, 200, 403);
        yield return (Who.Reporter, personal, 200, 403);
        yield return (Who.NonMember, personal, signedInMayRead ? 200 : 404, signedInMayRead ? 403 : 404);
        yield return (Who.Developer, personal, 200, 201);
        yield return (Who.Maintainer, personal, 200, 201);
        yield return (Who.ReadApi, personal, 200, 403);
        yield return (Who.DeployRead, headerOrBasic, 200, 403);
        yield return (Who.DeployWrite, headerOrBasic, 200, 201);
        yield return (Who.DeployReadWrite, headerOrBasic, 200, 201);
        yield return (Who.JobToken, headerOrBasic, 200, 201);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Generic_endpoint_answers_as_gitlab(string visibility, Who who, Form form, string method, int expected)
    {
        var project = visibility switch
        {
            "public" => AuthMatrixFixture.PublicProject,
            "internal" => AuthMatrixFixture.InternalProject,
            _ => AuthMatrixFixture.PrivateProject,
        };
        var fileName = method == "GET" ? "file.txt" : $"upload-{Interlocked.Increment(ref _unique)}.txt";
        using var request = new HttpRequestMessage(new HttpMethod(method), AuthMatrixFixture.Url(project, fileName));
        if (method == "PUT") request.Content = new ByteArrayContent(AuthMatrixFixture.Content);
        Present(request, project, who, form);

        using var client = Server.Client();
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(expected == (int)response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {body}");
        switch (expected)
        {
            case 200:
                Assert.Equal(AuthMatrixFixture.Content, Encoding.UTF8.GetBytes(body));
                break;
            case 201:
                Assert.Equal("""{"message":"201 Created"}""", body);
                Assert.Equal(HttpStatusCode.OK, await RootGetStatusAsync(project, fileName));
                break;
            case 401:
                Assert.Equal("""{"message":"401 Unauthorized"}""", body);
                if (who == Who.Anonymous)
                    Assert.Equal("Basic realm=\"GitLab Packages Registry\"", response.Headers.WwwAuthenticate.ToString());
                break;
            case 403:
                Assert.Equal("""{"message":"403 Forbidden"}""", body);
                break;
            case 404:
                Assert.Equal("""{"message":"404 Project Not Found"}""", body);
                break;
        }
        if (method == "PUT" && expected != 201)
            Assert.Equal(HttpStatusCode.NotFound, await RootGetStatusAsync(project, fileName));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task Unknown_project_answers_like_a_private_one(string method)
    {
        // Anonymous: 401 either way; a non-member: the same 404 body either way, so existence is not revealed.
        foreach (var (token, expected) in new[] { ((string?)null, HttpStatusCode.Unauthorized), (fixture.StrangerToken, HttpStatusCode.NotFound) })
        {
            var bodies = new List<string>();
            foreach (var project in new[] { AuthMatrixFixture.PrivateProject, "am-private/no-such-project", "999999" })
            {
                using var client = Server.Client(token);
                var url = AuthMatrixFixture.Url(project, "file.txt");
                using var response = method == "GET" ? await client.GetAsync(url) : await client.PutAsync(url, new ByteArrayContent([1]));
                Assert.Equal(expected, response.StatusCode);
                bodies.Add(await response.Content.ReadAsStringAsync());
            }
            Assert.Single(bodies.Distinct());
        }
    }

    [Fact]
    public async Task Job_token_in_basic_auth_needs_the_gitlab_ci_token_username()
    {
        var (token, _) = fixture.ProjectTokens[(AuthMatrixFixture.PrivateProject, Who.JobToken)];
        using var client = Server.Client(h => h.Authorization = Basic("someone", token));
        var response = await client.GetAsync(AuthMatrixFixture.Url(AuthMatrixFixture.PrivateProject, "file.txt"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Deploy_token_in_basic_auth_needs_its_own_username()
    {
        var (token, _) = fixture.ProjectTokens[(AuthMatrixFixture.PrivateProject, Who.DeployReadWrite)];
        using var client = Server.Client(h => h.Authorization = Basic("not-the-deploy-user", token));
        var response = await client.GetAsync(AuthMatrixFixture.Url(AuthMatrixFixture.PrivateProject, "file.txt"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("personal")]
    [InlineData("deploy")]
    [InlineData("job")]
    public async Task Revoked_token_is_401(string kind)
    {
        const string project = AuthMatrixFixture.PrivateProject;
        string token, header, mutation;
        JsonElement payload;
        switch (kind)
        {
            case "personal":
                payload = (await Server.GraphQLAsync(
                    "mutation { createPersonalAccessToken(input: {username: \"am-dev\", name: \"r\", scopes: [API]}) { id token errors } }"))
                    .GetProperty("createPersonalAccessToken");
                (header, mutation) = ("PRIVATE-TOKEN", "revokePersonalAccessToken");
                break;
            case "deploy":
                payload = (await Server.GraphQLAsync(
                    $"mutation {{ createDeployToken(input: {{projectPath: \"{project}\", name: \"r\", scopes: [READ_PACKAGE_REGISTRY]}}) {{ id token errors }} }}"))
                    .GetProperty("createDeployToken");
                (header, mutation) = ("DEPLOY-TOKEN", "revokeDeployToken");
                break;
            default:
                payload = (await Server.GraphQLAsync(
                    $"mutation {{ createCiJobToken(input: {{projectPath: \"{project}\"}}) {{ id token errors }} }}", token: fixture.DeveloperToken))
                    .GetProperty("createCiJobToken");
                (header, mutation) = ("JOB-TOKEN", "revokeCiJobToken");
                break;
        }
        Assert.Equal(0, payload.GetProperty("errors").GetArrayLength());
        token = payload.GetProperty("token").GetString()!;
        var id = payload.GetProperty("id").GetString()!;

        using var client = Server.Client(h => h.Add(header, token));
        var url = AuthMatrixFixture.Url(project, "file.txt");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);

        var revoke = await Server.GraphQLAsync($"mutation($id: ID!) {{ {mutation}(input: {{id: $id}}) {{ errors }} }}", new { id },
            token: kind == "job" ? fixture.DeveloperToken : RegistryServer.RootToken);
        Assert.Equal(0, revoke.GetProperty(mutation).GetProperty("errors").GetArrayLength());

        var get = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        var put = await client.PutAsync(AuthMatrixFixture.Url(project, $"revoked-{kind}.txt"), new ByteArrayContent([1]));
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
    }

    private void Present(HttpRequestMessage request, string project, Who who, Form form)
    {
        const string bogus = "glpat-this-is-not-a-valid-token-000";
        var (token, username) = who switch
        {
            Who.Anonymous => ("", ""),
            Who.InvalidToken or Who.InvalidJobToken or Who.InvalidDeployToken => (bogus, "anyone"),
            Who.Guest => (fixture.GuestToken, "anyone"),
            Who.Reporter => (fixture.ReporterToken, "anyone"),
            Who.Maintainer => (fixture.MaintainerToken, "anyone"),
            Who.NonMember => (fixture.StrangerToken, "anyone"),
            Who.Developer => (fixture.DeveloperToken, "anyone"),
            Who.ReadApi => (fixture.ReadApiToken, "anyone"),
            _ => fixture.ProjectTokens[(project, who)],
        };
        var headerName = who switch
        {
            Who.DeployRead or Who.DeployWrite or Who.DeployReadWrite or Who.InvalidDeployToken => "DEPLOY-TOKEN",
            Who.JobToken or Who.InvalidJobToken => "JOB-TOKEN",
            _ => "PRIVATE-TOKEN",
        };
        switch (form)
        {
            case Form.Header: request.Headers.Add(headerName, token); break;
            case Form.Basic: request.Headers.Authorization = Basic(username, token); break;
            case Form.Bearer: request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token); break;
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpStatusCode> RootGetStatusAsync(string project, string fileName)
    {
        using var root = Server.Client(RegistryServer.RootToken);
        using var response = await root.GetAsync(AuthMatrixFixture.Url(project, fileName));
        return response.StatusCode;
    }
}
