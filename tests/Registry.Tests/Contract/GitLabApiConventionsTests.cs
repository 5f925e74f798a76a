using System.Net;
using System.Text;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Contract;

/// <summary>
/// GitLab's API conventions that clients rely on before they reach a package: every JSON answer is
/// <c>Content-Type: application/json</c> exactly (python-gitlab parses nothing else), an unknown route under
/// <c>/api/v4</c> is <c>{"error":"404 Not Found"}</c> and a known route with another method is <c>405</c>.
/// </summary>
public sealed class GitLabApiConventionsTests(ProjectFixture fixture) : IClassFixture<ProjectFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Every_json_answer_of_the_rest_api_is_exactly_application_json()
    {
        using var root = Server.Client(RegistryServer.RootToken);
        using var anonymous = Server.Client();
        var id = fixture.ProjectId;
        var url = Publishing.Url(id, "ct-pkg", "1.0.0", "f.txt");
        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("PUT 201", await root.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes("x")))),
            ("PUT select", await root.PutAsync(url + "?select=package_file", new ByteArrayContent(Encoding.UTF8.GetBytes("x")))),
            ("PUT 400 param", await root.PutAsync(url + "?status=bogus", new ByteArrayContent([]))),
            ("PUT 400 message", await root.PutAsync(url, new ByteArrayContent(Encoding.UTF8.GetBytes("y")) { Headers = { { "X-Checksum-Sha256", new string('0', 64) } } })),
            ("GET 401", await anonymous.GetAsync(url)),
            ("GET 404", await root.GetAsync(Publishing.Url(id, "missing", "1.0.0", "f.txt"))),
            ("version listing", await root.GetAsync($"/api/v4/projects/{id}/packages/generic/ct-pkg/1.0.0")),
            ("packages list", await root.GetAsync($"/api/v4/projects/{id}/packages")),
            ("group packages list", await root.GetAsync("/api/v4/groups/fixture-group/packages")),
            ("list 400", await root.GetAsync($"/api/v4/projects/{id}/packages?order_by=bogus")),
            ("package 404", await root.GetAsync($"/api/v4/projects/{id}/packages/999999")),
            ("user", await root.GetAsync("/api/v4/user")),
            ("user 401", await anonymous.GetAsync("/api/v4/user")),
            ("version", await root.GetAsync("/api/v4/version")),
            ("metadata", await root.GetAsync("/api/v4/metadata")),
            ("projects list", await root.GetAsync("/api/v4/projects")),
            ("project", await root.GetAsync($"/api/v4/projects/{id}")),
            ("project 404", await anonymous.GetAsync($"/api/v4/projects/{id}")),
            ("groups list", await root.GetAsync("/api/v4/groups")),
            ("group", await root.GetAsync("/api/v4/groups/fixture-group")),
            ("group projects", await root.GetAsync("/api/v4/groups/fixture-group/projects")),
            ("access tokens", await root.GetAsync($"/api/v4/projects/{id}/access_tokens")),
            ("access token 400", await root.PostAsync($"/api/v4/projects/{id}/access_tokens", new StringContent("{}", Encoding.UTF8, "application/json"))),
            ("unknown route", await root.GetAsync("/api/v4/no/such/route")),
            ("405", await root.PostAsync($"/api/v4/projects/{id}/packages", new StringContent(""))),
        };
        foreach (var (what, response) in responses)
        {
            Assert.True(response.Content.Headers.ContentType is { MediaType: "application/json", CharSet: null },
                $"{what}: {(int)response.StatusCode} with Content-Type {response.Content.Headers.ContentType}");
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("GET", "/api/v4/no/such/route")]
    [InlineData("GET", "/api/v4/projects/1/nothing")]
    [InlineData("DELETE", "/api/v4/nothing")]
    [InlineData("PUT", "/api/v4/projects/1/packages/npm/x")]
    public async Task Unknown_api_routes_answer_gitlabs_404(string method, string path)
    {
        using var root = Server.Client(RegistryServer.RootToken);
        using var response = await root.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":"404 Not Found"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_known_api_route_with_another_method_is_405_with_allow()
    {
        using var root = Server.Client(RegistryServer.RootToken);
        using var response = await root.PostAsync($"/api/v4/projects/{fixture.ProjectId}/packages/1", new StringContent(""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("""{"error":"405 Not Allowed"}""", await response.Content.ReadAsStringAsync());
        var allow = response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var v) ? v : []).ToList();
        Assert.Contains("GET", allow);
        Assert.Contains("DELETE", allow);
    }

    [Fact]
    public async Task Paths_outside_the_api_keep_their_own_answers()
    {
        using var anonymous = Server.Client();
        using var graphql = await anonymous.PostAsync("/api/graphql", new StringContent("""{"query":"{ currentUser { id } }"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, graphql.StatusCode);
    }
}
