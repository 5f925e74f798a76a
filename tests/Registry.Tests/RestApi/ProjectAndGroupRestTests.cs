using System.Net;
using System.Text.Json;
using Registry.Tests.GraphQL;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.RestApi;

/// <summary>
/// GitLab's <c>GET /projects</c>, <c>/projects/:id</c>, <c>/groups</c>, <c>/groups/:id</c>, <c>/groups/:id/projects</c>:
/// GitLab's fields, its visibility rules (a private one is 404 to outsiders, signed in or not), filters and paging.
/// </summary>
public sealed class ProjectAndGroupRestTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private RegistryServer Server => fixture.Server;
    private string Root => Server.BaseAddress.ToString().TrimEnd('/');

    private async Task<string[]> PathsAsync(string url, string? token)
    {
        using var client = Server.Client(token);
        var body = await client.GetOkAsync(url);
        return body.EnumerateArray().Select(p => p.GetProperty(p.TryGetProperty("path_with_namespace", out _) ? "path_with_namespace" : "full_path").GetString()!)
            .Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task The_project_list_shows_each_caller_what_gitlab_shows_them()
    {
        Assert.Equal(["ex-closed-parent/open", "ex-pub/lib"], await PathsAsync("/api/v4/projects", null));
        Assert.Equal(["ex-closed-parent/open", "ex-int/svc", "ex-pub/lib"], await PathsAsync("/api/v4/projects", fixture.Stranger));
        Assert.Equal(["ex-closed-parent/open", "ex-int/svc", "ex-priv/secret", "ex-priv/sub/deep", "ex-pub/lib"],
            await PathsAsync("/api/v4/projects", fixture.GroupMember));
        Assert.Equal(["ex-priv/secret", "ex-priv/sub/deep"], await PathsAsync("/api/v4/projects?membership=true", fixture.GroupMember));
        Assert.Equal(["ex-int/svc"], await PathsAsync("/api/v4/projects?visibility=internal", fixture.GroupMember));
        Assert.Equal(["ex-priv/secret"], await PathsAsync("/api/v4/projects?search=secr", fixture.GroupMember));
        Assert.Empty(await PathsAsync("/api/v4/projects?search=secr", fixture.Stranger));
    }

    [Fact]
    public async Task The_project_list_pages_and_orders_like_the_packages_api()
    {
        using var client = Server.Client(fixture.GroupMember);
        var (response, body) = await client.GetJsonAsync("/api/v4/projects?order_by=name&sort=asc&per_page=2&page=2");
        using var _ = response;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(["ex-closed-parent/open", "ex-priv/secret"], body.EnumerateArray().Select(p => p.GetProperty("path_with_namespace").GetString()));
        Assert.Equal("5", response.Header("X-Total"));
        Assert.Equal("3", response.Header("X-Total-Pages"));
        Assert.Equal("3", response.Header("X-Next-Page"));
        Assert.Equal("1", response.Header("X-Prev-Page"));
        Assert.Contains("page=3", response.Links()["next"]);

        var (bad, error) = await client.GetJsonAsync("/api/v4/projects?order_by=stars");
        using var __ = bad;
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("order_by does not have a valid value", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_project_by_id_or_path_has_gitlabs_fields()
    {
        using var member = Server.Client(fixture.GroupMember);
        var byPath = await member.GetOkAsync("/api/v4/projects/ex-priv%2Fsub%2Fdeep");
        var id = byPath.GetProperty("id").GetInt64();
        var byId = await member.GetOkAsync($"/api/v4/projects/{id}");
        Assert.Equal(byPath.ToString(), byId.ToString());

        Assert.Equal("deep", byPath.GetProperty("name").GetString());
        Assert.Equal("deep", byPath.GetProperty("path").GetString());
        Assert.Equal("ex-priv/sub/deep", byPath.GetProperty("path_with_namespace").GetString());
        Assert.Equal("ex-priv / sub / deep", byPath.GetProperty("name_with_namespace").GetString());
        Assert.Equal(Root + "/ex-priv/sub/deep", byPath.GetProperty("web_url").GetString());
        Assert.Equal("private", byPath.GetProperty("visibility").GetString());
        Assert.True(byPath.GetProperty("packages_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, byPath.GetProperty("description").ValueKind);
        Assert.Equal($"{Root}/api/v4/projects/{id}", byPath.GetProperty("_links").GetProperty("self").GetString());
        var ns = byPath.GetProperty("namespace");
        Assert.Equal("group", ns.GetProperty("kind").GetString());
        Assert.Equal("ex-priv/sub", ns.GetProperty("full_path").GetString());
        Assert.Equal(Root + "/groups/ex-priv/sub", ns.GetProperty("web_url").GetString());
        var permissions = byPath.GetProperty("permissions");
        Assert.Equal(JsonValueKind.Null, permissions.GetProperty("project_access").ValueKind);
        Assert.Equal(30, permissions.GetProperty("group_access").GetProperty("access_level").GetInt32());

        using var projectMember = Server.Client(fixture.ProjectMember);
        var direct = await projectMember.GetOkAsync($"/api/v4/projects/{id}");
        Assert.Equal(20, direct.GetProperty("permissions").GetProperty("project_access").GetProperty("access_level").GetInt32());
        Assert.Equal(JsonValueKind.Null, direct.GetProperty("permissions").GetProperty("group_access").ValueKind);
    }

    [Fact]
    public async Task A_private_project_or_group_is_404_to_outsiders_signed_in_or_not()
    {
        foreach (var token in new[] { fixture.Stranger, null })
        {
            using var client = Server.Client(token);
            foreach (var (url, message) in new[]
            {
                ("/api/v4/projects/ex-priv%2Fsecret", "404 Project Not Found"),
                ("/api/v4/projects/999999", "404 Project Not Found"),
                ("/api/v4/groups/ex-priv", "404 Group Not Found"),
                ("/api/v4/groups/ex-priv%2Fsub/projects", "404 Group Not Found"),
            })
            {
                using var response = await client.GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} as {(token is null ? "anonymous" : "stranger")}: {(int)response.StatusCode}");
                Assert.Equal($$"""{"message":"{{message}}"}""", await response.Content.ReadAsStringAsync());
            }
        }
        using var invalid = Server.Client("glpat-not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await invalid.GetAsync("/api/v4/projects/ex-pub%2Flib")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await invalid.GetAsync("/api/v4/projects")).StatusCode);
        using var anonymous = Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v4/projects/ex-pub%2Flib")).StatusCode);
    }

    [Fact]
    public async Task The_group_list_defaults_to_your_groups_and_all_available_shows_every_visible_one()
    {
        Assert.Equal(["ex-pub"], await PathsAsync("/api/v4/groups", null));
        Assert.Equal(["ex-priv", "ex-priv/sub"], await PathsAsync("/api/v4/groups", fixture.GroupMember));
        Assert.Equal(["ex-int", "ex-priv", "ex-priv/sub", "ex-pub"], await PathsAsync("/api/v4/groups?all_available=true", fixture.GroupMember));
        Assert.Equal(["ex-int", "ex-priv", "ex-pub"], await PathsAsync("/api/v4/groups?all_available=true&top_level_only=true", fixture.GroupMember));
        Assert.Equal(["ex-priv", "ex-priv/sub"], await PathsAsync("/api/v4/groups?min_access_level=30", fixture.GroupMember));
        Assert.Empty(await PathsAsync("/api/v4/groups?min_access_level=40", fixture.GroupMember));
        Assert.Empty(await PathsAsync("/api/v4/groups?owned=true", fixture.GroupMember));
        Assert.Equal(["ex-priv", "ex-priv/sub"], await PathsAsync("/api/v4/groups", fixture.ProjectMember));

        using var client = Server.Client(fixture.GroupMember);
        var (bad, error) = await client.GetJsonAsync("/api/v4/groups?min_access_level=35");
        using var _ = bad;
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("min_access_level does not have a valid value", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_group_by_id_or_path_has_gitlabs_fields_and_its_visible_projects()
    {
        using var member = Server.Client(fixture.ProjectMember);
        var group = await member.GetOkAsync("/api/v4/groups/ex-priv%2Fsub");
        Assert.Equal(group.ToString(), (await member.GetOkAsync($"/api/v4/groups/{group.GetProperty("id").GetInt64()}")).ToString());
        Assert.Equal("sub", group.GetProperty("path").GetString());
        Assert.Equal("ex-priv/sub", group.GetProperty("full_path").GetString());
        Assert.Equal("ex-priv / sub", group.GetProperty("full_name").GetString());
        Assert.Equal(Root + "/groups/ex-priv/sub", group.GetProperty("web_url").GetString());
        Assert.Equal("private", group.GetProperty("visibility").GetString());
        Assert.Equal(["ex-priv/sub/deep"], group.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("path_with_namespace").GetString()));

        // The project member reaches the group above through the project, but sees only their project in it.
        var top = await member.GetOkAsync("/api/v4/groups/ex-priv");
        Assert.Equal(0, top.GetProperty("projects").GetArrayLength());
        Assert.Equal(["ex-priv/sub/deep"], await PathsAsync("/api/v4/groups/ex-priv/projects?include_subgroups=true", fixture.ProjectMember));
        Assert.Empty(await PathsAsync("/api/v4/groups/ex-priv/projects", fixture.ProjectMember));
        Assert.Equal(["ex-priv/secret", "ex-priv/sub/deep"], await PathsAsync("/api/v4/groups/ex-priv/projects?include_subgroups=true", fixture.GroupMember));
        Assert.Equal(["ex-pub/lib"], await PathsAsync("/api/v4/groups/ex-pub/projects?simple=true", null));
    }
}
