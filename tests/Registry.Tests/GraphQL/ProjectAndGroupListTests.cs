using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// A server with public, internal and private groups and projects, a project member, a group member and a stranger:
/// what each sees in <c>Query.projects</c> / <c>Query.groups</c> (and, in the REST tests, <c>GET /projects</c>).
/// </summary>
public sealed class DirectoryFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;
    public string ProjectMember { get; private set; } = "";
    public string GroupMember { get; private set; } = "";
    public string Stranger { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("ex-pub", "PUBLIC");
        await Server.CreateProjectAsync("ex-pub", "lib", "PUBLIC");
        await Server.CreateProjectAsync("ex-pub", "hidden", "PRIVATE");
        await Server.CreateGroupAsync("ex-int", "INTERNAL");
        await Server.CreateProjectAsync("ex-int", "svc", "INTERNAL");
        await Server.CreateGroupAsync("ex-priv", "PRIVATE");
        await Server.CreateProjectAsync("ex-priv", "secret", "PRIVATE");
        await Server.CreateGroupAsync("sub", "PRIVATE", parentPath: "ex-priv");
        await Server.CreateProjectAsync("ex-priv/sub", "deep", "PRIVATE");
        await Server.CreateGroupAsync("ex-closed-parent", "PRIVATE");
        await Server.CreateProjectAsync("ex-closed-parent", "open", "PUBLIC");
        await Server.CreateGroupAsync("ex-other", "PRIVATE");
        await Server.CreateProjectAsync("ex-other", "closed", "PRIVATE");

        ProjectMember = await Server.CreateUserWithTokenAsync("ex-project-member");
        await Server.AddProjectMemberAsync("ex-priv/sub/deep", "ex-project-member", "REPORTER");
        GroupMember = await Server.CreateUserWithTokenAsync("ex-group-member");
        await Server.AddGroupMemberAsync("ex-priv", "ex-group-member", "DEVELOPER");
        Stranger = await Server.CreateUserWithTokenAsync("ex-stranger");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary><c>Query.projects</c>, <c>Query.groups</c>, <c>Group.projects</c> and the project and group fields GitLab's UI reads.</summary>
public sealed class ProjectAndGroupListTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private RegistryServer Server => fixture.Server;

    private const string ProjectsQuery = """
        query($m: Boolean, $s: String, $n: Boolean, $sort: String, $first: Int, $after: String) {
          projects(membership: $m, search: $s, searchNamespaces: $n, sort: $sort, first: $first, after: $after) {
            count nodes { fullPath } pageInfo { hasNextPage endCursor }
          }
        }
        """;

    private const string GroupsQuery = """
        query($s: String, $all: Boolean, $top: Boolean, $owned: Boolean, $sort: String) {
          groups(search: $s, allAvailable: $all, topLevelOnly: $top, ownedOnly: $owned, sort: $sort) { count nodes { fullPath } }
        }
        """;

    private async Task<string[]> ProjectsAsync(string? token, object? variables = null)
    {
        var data = await Server.GraphQLAsync(ProjectsQuery, variables ?? new { }, token);
        return data.GetProperty("projects").GetProperty("nodes").Strings("fullPath").Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<string[]> GroupsAsync(string? token, object? variables = null)
    {
        var data = await Server.GraphQLAsync(GroupsQuery, variables ?? new { }, token);
        return data.GetProperty("groups").GetProperty("nodes").Strings("fullPath").Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Each_caller_sees_the_projects_gitlab_shows_them()
    {
        Assert.Equal(["ex-closed-parent/open", "ex-pub/lib"], await ProjectsAsync(null));
        Assert.Equal(["ex-closed-parent/open", "ex-int/svc", "ex-pub/lib"], await ProjectsAsync(fixture.Stranger));
        Assert.Equal(["ex-closed-parent/open", "ex-int/svc", "ex-priv/sub/deep", "ex-pub/lib"], await ProjectsAsync(fixture.ProjectMember));
        Assert.Equal(["ex-closed-parent/open", "ex-int/svc", "ex-priv/secret", "ex-priv/sub/deep", "ex-pub/lib"],
            await ProjectsAsync(fixture.GroupMember));
        var all = await ProjectsAsync(RegistryServer.RootToken);
        Assert.Contains("ex-other/closed", all);
        Assert.Contains("ex-pub/hidden", all);
    }

    [Fact]
    public async Task Membership_limits_to_the_projects_of_your_memberships()
    {
        Assert.Equal(["ex-priv/sub/deep"], await ProjectsAsync(fixture.ProjectMember, new { m = true }));
        Assert.Equal(["ex-priv/secret", "ex-priv/sub/deep"], await ProjectsAsync(fixture.GroupMember, new { m = true }));
        Assert.Empty(await ProjectsAsync(fixture.Stranger, new { m = true }));
    }

    [Fact]
    public async Task Search_looks_in_names_and_paths_and_with_search_namespaces_in_the_namespace_too()
    {
        Assert.Equal(["ex-priv/secret"], await ProjectsAsync(fixture.GroupMember, new { s = "SECR" }));
        Assert.Empty(await ProjectsAsync(fixture.GroupMember, new { s = "ex-priv" }));
        Assert.Equal(["ex-priv/secret", "ex-priv/sub/deep"], await ProjectsAsync(fixture.GroupMember, new { s = "ex-priv", n = true }));
        // What the caller may not see stays out of a search.
        Assert.Empty(await ProjectsAsync(fixture.Stranger, new { s = "secret" }));
    }

    [Fact]
    public async Task Sort_and_paging_walk_the_whole_list_once()
    {
        var byName = await Server.GraphQLAsync(ProjectsQuery, new { m = true, sort = "name_desc" }, fixture.GroupMember);
        Assert.Equal(2, byName.GetProperty("projects").GetProperty("count").GetInt32());
        Assert.Equal(["ex-priv/secret", "ex-priv/sub/deep"], byName.GetProperty("projects").GetProperty("nodes").Strings("fullPath"));

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = (await Server.GraphQLAsync(ProjectsQuery, new { sort = "path_desc", first = 3, after }, fixture.GroupMember)).GetProperty("projects");
            seen.AddRange(page.GetProperty("nodes").Strings("fullPath"));
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()) break;
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.Equal(["ex-int/svc", "ex-priv/secret", "ex-closed-parent/open", "ex-pub/lib", "ex-priv/sub/deep"], seen);
    }

    [Fact]
    public async Task Each_caller_sees_the_groups_gitlab_shows_them()
    {
        Assert.Equal(["ex-pub"], await GroupsAsync(null));
        Assert.Equal(["ex-int", "ex-pub"], await GroupsAsync(fixture.Stranger));
        // A member of a project deep inside a private group sees the groups on its way (GitLab's has_projects).
        Assert.Equal(["ex-int", "ex-priv", "ex-priv/sub", "ex-pub"], await GroupsAsync(fixture.ProjectMember));
        Assert.Equal(["ex-priv", "ex-priv/sub"], await GroupsAsync(fixture.ProjectMember, new { all = false }));
        Assert.Equal(["ex-priv", "ex-priv/sub"], await GroupsAsync(fixture.GroupMember, new { all = false }));
        Assert.Equal(["ex-int", "ex-priv", "ex-pub"], await GroupsAsync(fixture.GroupMember, new { top = true }));
        Assert.Equal(["ex-priv"], await GroupsAsync(fixture.GroupMember, new { s = "priv", top = true }));
        Assert.Empty(await GroupsAsync(fixture.GroupMember, new { owned = true }));
        Assert.Contains("ex-other", await GroupsAsync(RegistryServer.RootToken));
    }

    [Fact]
    public async Task A_project_has_gitlabs_web_url_group_and_full_name()
    {
        var data = await Server.GraphQLAsync("""
            query { project(fullPath: "ex-priv/sub/deep") { webUrl nameWithNamespace createdAt group { fullPath fullName webUrl parent { fullPath } } } }
            """, null, fixture.ProjectMember);
        var project = data.GetProperty("project");
        var root = Server.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal(root + "/ex-priv/sub/deep", project.GetProperty("webUrl").GetString());
        Assert.Equal("ex-priv / sub / deep", project.GetProperty("nameWithNamespace").GetString());
        var group = project.GetProperty("group");
        Assert.Equal("ex-priv/sub", group.GetProperty("fullPath").GetString());
        Assert.Equal("ex-priv / sub", group.GetProperty("fullName").GetString());
        Assert.Equal(root + "/groups/ex-priv/sub", group.GetProperty("webUrl").GetString());
        Assert.Equal("ex-priv", group.GetProperty("parent").GetProperty("fullPath").GetString());

        // A public project in a private group: the project is visible, its group is not.
        var open = await Server.GraphQLAsync("""query { project(fullPath: "ex-closed-parent/open") { fullPath group { fullPath } } }""", null, null);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("project").GetProperty("group").ValueKind);
    }

    [Fact]
    public async Task A_groups_projects_are_the_visible_ones_with_subgroups_on_request()
    {
        const string query = """
            query($p: ID!, $sub: Boolean) { group(fullPath: $p) { projects(includeSubgroups: $sub) { count nodes { fullPath } } } }
            """;
        var direct = await Server.GraphQLAsync(query, new { p = "ex-priv", sub = false }, fixture.GroupMember);
        Assert.Equal(["ex-priv/secret"], direct.GetProperty("group").GetProperty("projects").GetProperty("nodes").Strings("fullPath"));
        var withSubgroups = await Server.GraphQLAsync(query, new { p = "ex-priv", sub = true }, fixture.ProjectMember);
        Assert.Equal(["ex-priv/sub/deep"], withSubgroups.GetProperty("group").GetProperty("projects").GetProperty("nodes").Strings("fullPath"));
        var pub = await Server.GraphQLAsync(query, new { p = "ex-pub", sub = true }, fixture.Stranger);
        Assert.Equal(["ex-pub/lib"], pub.GetProperty("group").GetProperty("projects").GetProperty("nodes").Strings("fullPath"));
    }
}
