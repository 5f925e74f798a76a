using System.Net;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.PackagesApi;

public sealed class GroupPackageListTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;

    [Fact]
    public async Task Group_lists_cover_subgroups_unless_excluded_and_carry_project_fields()
    {
        var groupId = await Server.CreateGroupAsync("gl-top");
        await Server.CreateGroupAsync("sub", parentPath: "gl-top");
        var topProject = await Server.CreateProjectAsync("gl-top", "zeta");
        var subProject = await Server.CreateProjectAsync("gl-top/sub", "alpha");
        using var root = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(topProject, "top-pkg", "1.0.0");
        await Server.PublishAsync(subProject, "sub-pkg", "1.0.0");
        await Server.PublishAsync(subProject, "sub-hidden", "1.0.0", status: "hidden");

        var all = await root.GetOkAsync("/api/v4/groups/gl-top/packages");
        Assert.Equal(["top-pkg", "sub-pkg"], all.Names());
        var sub = all[1];
        Assert.Equal(subProject, sub.GetProperty("project_id").GetInt64());
        Assert.Equal("gl-top/sub/alpha", sub.GetProperty("project_path").GetString());
        Assert.Equal(["id", "name", "version", "package_type", "status", "_links", "created_at", "last_downloaded_at", "project_id", "project_path", "tags"],
            sub.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(sub.GetProperty("_links").TryGetProperty("delete_api_path", out _));

        Assert.Equal(["top-pkg"], (await root.GetOkAsync($"/api/v4/groups/{groupId}/packages?exclude_subgroups=true")).Names());
        Assert.Equal(["sub-pkg"], (await root.GetOkAsync("/api/v4/groups/gl-top%2Fsub/packages")).Names());
        Assert.Equal(["sub-hidden"], (await root.GetOkAsync("/api/v4/groups/gl-top/packages?status=hidden")).Names());
        Assert.Equal(["sub-pkg", "top-pkg"], (await root.GetOkAsync("/api/v4/groups/gl-top/packages?order_by=project_path")).Names());
        Assert.Equal(["top-pkg", "sub-pkg"], (await root.GetOkAsync("/api/v4/groups/gl-top/packages?order_by=project_path&sort=desc")).Names());
        Assert.Equal(["sub-pkg", "top-pkg"], (await root.GetOkAsync("/api/v4/groups/gl-top/packages?order_by=name")).Names());
        Assert.Equal(["sub-pkg"], (await root.GetOkAsync("/api/v4/groups/gl-top/packages?package_name=sub")).Names());

        var paged = await root.GetAsync("/api/v4/groups/gl-top/packages?per_page=1");
        Assert.Equal("2", paged.Header("X-Total"));
        Assert.Equal("2", paged.Header("X-Next-Page"));
        Assert.Equal(new[] { "next", "first", "last" }, paged.Links().Keys.ToArray());
        Assert.StartsWith($"{Server.BaseAddress.ToString().TrimEnd('/')}/api/v4/groups/gl-top/packages?page=2&per_page=1", paged.Links()["next"]);

        var (bad, body) = await root.GetJsonAsync("/api/v4/groups/gl-top/packages?exclude_subgroups=perhaps");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("""{"error":"exclude_subgroups is invalid"}""", body.GetRawText());
        var (badOrder, orderBody) = await root.GetJsonAsync("/api/v4/groups/gl-top/packages?order_by=size");
        Assert.Equal(HttpStatusCode.BadRequest, badOrder.StatusCode);
        Assert.Equal("""{"error":"order_by does not have a valid value"}""", orderBody.GetRawText());
    }

    [Fact]
    public async Task Group_lists_only_what_the_caller_may_read_and_hide_unseen_groups()
    {
        await Server.CreateGroupAsync("gl-perm");
        var a = await Server.CreateProjectAsync("gl-perm", "a");
        var b = await Server.CreateProjectAsync("gl-perm", "b");
        using var root = Server.Client(RegistryServer.RootToken);
        await Server.PublishAsync(a, "in-a", "1.0.0");
        await Server.PublishAsync(b, "in-b", "1.0.0");

        // A private group is 404 for an authenticated stranger and 401 for an anonymous caller.
        var strangerToken = await Server.CreateUserWithTokenAsync("gl-stranger");
        using var stranger = Server.Client(strangerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/api/v4/groups/gl-perm/packages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/api/v4/groups/no-such-group/packages")).StatusCode);
        using var anonymous = Server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v4/groups/gl-perm/packages")).StatusCode);

        var reporterToken = await Server.CreateUserWithTokenAsync("gl-reporter");
        await Server.AddGroupMemberAsync("gl-perm", "gl-reporter", "REPORTER");
        using var reporter = Server.Client(reporterToken);
        var list = await reporter.GetOkAsync("/api/v4/groups/gl-perm/packages");
        Assert.Equal(["in-a", "in-b"], list.Names());
        Assert.All(list.EnumerateArray(), p => Assert.False(p.GetProperty("_links").TryGetProperty("delete_api_path", out _)));

        // Public group, one public project: anonymous callers see that project's packages only.
        await Server.CreateGroupAsync("gl-open", "PUBLIC");
        var open = await Server.CreateProjectAsync("gl-open", "open", "PUBLIC");
        var closed = await Server.CreateProjectAsync("gl-open", "closed");
        await Server.PublishAsync(open, "open-pkg", "1.0.0");
        await Server.PublishAsync(closed, "closed-pkg", "1.0.0");
        Assert.Equal(["open-pkg"], (await anonymous.GetOkAsync("/api/v4/groups/gl-open/packages")).Names());
    }
}
