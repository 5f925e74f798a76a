using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>Project and group package lists, hidden packages and <c>Query.package</c>.</summary>
public sealed class PackageListTests(PackageListTests.Fixture fixture) : IClassFixture<PackageListTests.Fixture>
{
    private RegistryServer Server => fixture.Server;

    /// <summary>
    /// One server with a list project: alpha 1.0.0, beta-lib 2.0.0, gamma 0.5.0, alpha-extra 1.0.0-rc1 (published in
    /// that order) and delta 3.1.0 hidden.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public RegistryServer Server { get; private set; } = null!;
        public static readonly string[] CreatedOrder = ["alpha", "beta-lib", "gamma", "alpha-extra"];

        public async Task InitializeAsync()
        {
            Server = await RegistryServer.StartAsync();
            await Server.CreateGroupAsync("lists");
            await Server.CreateProjectAsync("lists", "app");
            await Server.PublishAsync("lists/app", "alpha", "1.0.0");
            await Server.PublishAsync("lists/app", "beta-lib", "2.0.0");
            await Server.PublishAsync("lists/app", "gamma", "0.5.0");
            await Server.PublishAsync("lists/app", "alpha-extra", "1.0.0-rc1");
            await Server.PublishAsync("lists/app", "delta", "3.1.0", status: "hidden");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private const string ListQuery = """
        query($p: ID!, $name: String, $version: String, $type: PackageTypeEnum, $status: PackageStatus, $sort: PackageSort,
              $first: Int, $after: String, $last: Int, $before: String) {
          project(fullPath: $p) {
            packages(packageName: $name, packageVersion: $version, packageType: $type, status: $status, sort: $sort,
                     first: $first, after: $after, last: $last, before: $before) {
              count
              pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              edges { cursor node { id name version packageType status createdAt } }
              nodes { id name version packageType status createdAt }
            }
          }
        }
        """;

    private async Task<JsonElement> ListAsync(string project = "lists/app", string? name = null, string? version = null, string? type = null,
        string? status = null, string? sort = null, int? first = null, string? after = null, int? last = null, string? before = null,
        string token = RegistryServer.RootToken)
    {
        var data = await Server.GraphQLAsync(ListQuery, new { p = project, name, version, type, status, sort, first, after, last, before }, token);
        var connection = data.GetProperty("project").GetProperty("packages");
        // nodes and edges always agree.
        Assert.Equal(connection.GetProperty("nodes").Strings("id"),
            connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()!).ToArray());
        return connection;
    }

    private static string[] Names(JsonElement connection) => connection.GetProperty("nodes").Strings("name");

    [Fact]
    public async Task Hidden_packages_are_left_out_by_default_and_listed_with_status_hidden()
    {
        var all = await ListAsync();
        Assert.DoesNotContain("delta", Names(all));
        Assert.Equal(4, all.GetProperty("count").GetInt32());

        var hidden = await ListAsync(status: "HIDDEN");
        Assert.Equal(["delta"], Names(hidden));
        Assert.Equal("HIDDEN", hidden.GetProperty("nodes")[0].GetProperty("status").GetString());
        Assert.Equal(1, hidden.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Upload_with_status_default_unhides_a_package()
    {
        await Server.CreateProjectAsync("lists", "unhide");
        await Server.PublishAsync("lists/unhide", "secret", "1.0.0", "a.bin", status: "hidden");
        Assert.DoesNotContain("secret", Names(await ListAsync("lists/unhide")));
        // Another upload without a status leaves the package hidden...
        await Server.PublishAsync("lists/unhide", "secret", "1.0.0", "b.bin");
        Assert.DoesNotContain("secret", Names(await ListAsync("lists/unhide")));

        // ...status=default shows it again.
        await Server.PublishAsync("lists/unhide", "secret", "1.0.0", "c.bin", status: "default");
        var list = await ListAsync("lists/unhide");
        Assert.Equal(["secret"], Names(list));
        Assert.Equal("DEFAULT", list.GetProperty("nodes")[0].GetProperty("status").GetString());
        Assert.Empty(Names(await ListAsync("lists/unhide", status: "HIDDEN")));
    }

    [Fact]
    public async Task Package_by_id_returns_a_hidden_package_to_a_member_and_null_to_a_non_member()
    {
        var gid = await Server.PackageGidAsync("lists/app", "delta", "HIDDEN");
        var reporter = await Server.CreateUserWithTokenAsync("lists-reporter", "READ_API");
        var outsider = await Server.CreateUserWithTokenAsync("lists-outsider");
        await Server.AddProjectMemberAsync("lists/app", "lists-reporter", "REPORTER");
        const string query = """
            query($id: PackagesPackageID!) {
              package(id: $id) { id name version status packageType project { fullPath } packageFiles { count nodes { fileName } } }
              project(fullPath: "lists/app") { fullPath }
            }
            """;

        var member = await Server.GraphQLAsync(query, new { id = gid }, reporter);
        var package = member.GetProperty("package");
        Assert.Equal(gid, package.GetProperty("id").GetString());
        Assert.Equal("delta", package.GetProperty("name").GetString());
        Assert.Equal("HIDDEN", package.GetProperty("status").GetString());
        Assert.Equal("GENERIC", package.GetProperty("packageType").GetString());
        Assert.Equal("lists/app", package.GetProperty("project").GetProperty("fullPath").GetString());
        Assert.Equal(["file.txt"], package.GetProperty("packageFiles").GetProperty("nodes").Strings("fileName"));

        foreach (var token in new[] { outsider, null })
        {
            var raw = await Server.GraphQLRawAsync(query, new { id = gid }, token);
            Assert.False(raw.TryGetProperty("errors", out _), raw.ToString());
            Assert.Equal(JsonValueKind.Null, raw.GetProperty("data").GetProperty("package").ValueKind);
            Assert.Equal(JsonValueKind.Null, raw.GetProperty("data").GetProperty("project").ValueKind);
        }

        // A package id that does not exist answers the same null.
        var missing = await Server.GraphQLAsync(query, new { id = "gid://gitlab/Packages::Package/999999" }, reporter);
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("package").ValueKind);
    }

    [Fact]
    public async Task On_a_public_project_package_by_id_shows_a_hidden_package_to_members_only()
    {
        await Server.CreateGroupAsync("lists-public", "PUBLIC");
        await Server.CreateProjectAsync("lists-public", "app", "PUBLIC");
        var hidden = await Server.PublishAsync("lists-public/app", "secret", "1.0.0", status: "hidden");
        var shown = await Server.PublishAsync("lists-public/app", "open", "1.0.0");
        var guest = await Server.CreateUserWithTokenAsync("lists-public-guest", "READ_API");
        var outsider = await Server.CreateUserWithTokenAsync("lists-public-outsider", "READ_API");
        await Server.AddProjectMemberAsync("lists-public/app", "lists-public-guest", "GUEST");
        const string query = "query($id: PackagesPackageID!) { package(id: $id) { name status } }";
        string Gid(JsonElement record) => $"gid://gitlab/Packages::Package/{record.GetProperty("package_id").GetInt64()}";

        var member = await Server.GraphQLAsync(query, new { id = Gid(hidden) }, guest);
        Assert.Equal("HIDDEN", member.GetProperty("package").GetProperty("status").GetString());
        foreach (var token in new[] { outsider, null })
        {
            Assert.Equal(JsonValueKind.Null, (await Server.GraphQLAsync(query, new { id = Gid(hidden) }, token)).GetProperty("package").ValueKind);
            Assert.Equal("open", (await Server.GraphQLAsync(query, new { id = Gid(shown) }, token)).GetProperty("package").GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task Filters_name_substring_case_insensitive_version_exact_type_and_status()
    {
        Assert.Equal(["alpha", "alpha-extra"], Names(await ListAsync(name: "ALPHA", sort: "NAME_ASC")));
        Assert.Equal(["beta-lib"], Names(await ListAsync(name: "LiB")));
        Assert.Equal(["alpha-extra"], Names(await ListAsync(name: "a-Ex")));
        Assert.Empty(Names(await ListAsync(name: "zzz")));

        Assert.Equal(["alpha"], Names(await ListAsync(version: "1.0.0")));
        Assert.Empty(Names(await ListAsync(version: "1.0")));
        Assert.Equal(["alpha-extra"], Names(await ListAsync(version: "1.0.0-rc1")));

        var generic = await ListAsync(type: "GENERIC", sort: "CREATED_ASC");
        Assert.Equal(Fixture.CreatedOrder, Names(generic));
        Assert.All(generic.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("GENERIC", n.GetProperty("packageType").GetString()));

        Assert.Equal(Fixture.CreatedOrder, Names(await ListAsync(status: "DEFAULT", sort: "CREATED_ASC")));
        Assert.Empty(Names(await ListAsync(status: "ERROR")));

        // Filters combine, and count follows the filter.
        var both = await ListAsync(name: "alpha", version: "1.0.0-rc1");
        Assert.Equal(["alpha-extra"], Names(both));
        Assert.Equal(1, both.GetProperty("count").GetInt32());
        Assert.Empty(Names(await ListAsync(name: "delta", version: "3.1.0")));
        Assert.Equal(["delta"], Names(await ListAsync(name: "delta", version: "3.1.0", status: "HIDDEN")));
    }

    [Theory]
    [InlineData("CREATED_ASC", new[] { "alpha", "beta-lib", "gamma", "alpha-extra" })]
    [InlineData("CREATED_DESC", new[] { "alpha-extra", "gamma", "beta-lib", "alpha" })]
    [InlineData("NAME_ASC", new[] { "alpha", "alpha-extra", "beta-lib", "gamma" })]
    [InlineData("NAME_DESC", new[] { "gamma", "beta-lib", "alpha-extra", "alpha" })]
    [InlineData("VERSION_ASC", new[] { "gamma", "alpha", "alpha-extra", "beta-lib" })]
    [InlineData("VERSION_DESC", new[] { "beta-lib", "alpha-extra", "alpha", "gamma" })]
    [InlineData(null, new[] { "alpha-extra", "gamma", "beta-lib", "alpha" })]
    public async Task Sorts_order_the_list(string? sort, string[] expected)
    {
        var list = await ListAsync(sort: sort);
        Assert.Equal(expected, Names(list));
        if (sort is "CREATED_ASC" or "CREATED_DESC" or null)
        {
            var created = list.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("createdAt").GetDateTime()).ToList();
            var ordered = sort == "CREATED_ASC" ? created.Order() : created.OrderDescending();
            Assert.Equal(ordered, created);
        }
        if (sort is "VERSION_ASC")
            Assert.Equal(["0.5.0", "1.0.0", "1.0.0-rc1", "2.0.0"], list.GetProperty("nodes").Strings("version"));
    }

    [Theory]
    [InlineData("TYPE_ASC")]
    [InlineData("TYPE_DESC")]
    public async Task Type_sorts_list_every_package(string sort)
    {
        // Every package here is generic, so the order among them is only the tie-break; the list is complete.
        var list = await ListAsync(sort: sort);
        Assert.Equal(Fixture.CreatedOrder.Order(), Names(list).Order());
        Assert.Equal(4, list.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Every_package_sort_value_is_accepted()
    {
        var data = await Server.GraphQLAsync("{ __type(name: \"PackageSort\") { enumValues { name } } }");
        var values = data.GetProperty("__type").GetProperty("enumValues").Strings("name");
        Assert.Equal(["CREATED_ASC", "CREATED_DESC", "NAME_ASC", "NAME_DESC", "TYPE_ASC", "TYPE_DESC", "VERSION_ASC", "VERSION_DESC"], values.Order());
        foreach (var sort in values) Assert.Equal(4, (await ListAsync(sort: sort)).GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task Paging_forwards_with_first_and_after()
    {
        var first = await ListAsync(sort: "CREATED_ASC", first: 3);
        Assert.Equal(["alpha", "beta-lib", "gamma"], Names(first));
        Assert.Equal(4, first.GetProperty("count").GetInt32());
        var info = first.GetProperty("pageInfo");
        Assert.True(info.GetProperty("hasNextPage").GetBoolean());
        Assert.False(info.GetProperty("hasPreviousPage").GetBoolean());
        var edges = first.GetProperty("edges");
        Assert.Equal(edges[0].GetProperty("cursor").GetString(), info.GetProperty("startCursor").GetString());
        Assert.Equal(edges[2].GetProperty("cursor").GetString(), info.GetProperty("endCursor").GetString());

        var second = await ListAsync(sort: "CREATED_ASC", first: 3, after: info.GetProperty("endCursor").GetString());
        Assert.Equal(["alpha-extra"], Names(second));
        Assert.Equal(4, second.GetProperty("count").GetInt32());
        Assert.False(second.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.True(second.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());

        // One at a time until hasNextPage is false: every package once, in order.
        var seen = new List<string>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10, "paging forwards did not end");
            var page = await ListAsync(sort: "NAME_DESC", first: 1, after: after);
            seen.AddRange(page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("name").GetString()!));
            Assert.Equal(page.GetProperty("edges")[0].GetProperty("cursor").GetString(), page.GetProperty("pageInfo").GetProperty("endCursor").GetString());
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()) break;
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.Equal(["gamma", "beta-lib", "alpha-extra", "alpha"], seen);
    }

    [Fact]
    public async Task Paging_backwards_with_last_and_before()
    {
        var last = await ListAsync(sort: "CREATED_ASC", last: 3);
        Assert.Equal(["beta-lib", "gamma", "alpha-extra"], Names(last));
        Assert.Equal(4, last.GetProperty("count").GetInt32());
        Assert.True(last.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());

        var before = await ListAsync(sort: "CREATED_ASC", last: 3, before: last.GetProperty("pageInfo").GetProperty("startCursor").GetString());
        Assert.Equal(["alpha"], Names(before));
        Assert.False(before.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.True(before.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var seen = new List<string>();
        string? cursor = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10, "paging backwards did not end");
            var page = await ListAsync(sort: "NAME_ASC", last: 1, before: cursor);
            seen.InsertRange(0, Names(page));
            if (!page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean()) break;
            cursor = page.GetProperty("pageInfo").GetProperty("startCursor").GetString();
        }
        Assert.Equal(["alpha", "alpha-extra", "beta-lib", "gamma"], seen);
    }

    [Fact]
    public async Task Invalid_cursor_is_an_error_not_a_crash()
    {
        var raw = await Server.GraphQLRawAsync(ListQuery, new { p = "lists/app", first = 1, after = "not-a-cursor" });
        Assert.True(raw.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0, raw.ToString());
    }

    [Fact]
    public async Task Group_lists_include_packages_of_subgroup_projects_and_sort_by_project_path()
    {
        await Server.CreateGroupAsync("glist");
        await Server.CreateGroupAsync("sub", parentPath: "glist");
        await Server.CreateProjectAsync("glist", "p1");
        await Server.CreateProjectAsync("glist/sub", "p2");
        await Server.CreateProjectAsync("glist", "a");
        await Server.PublishAsync("glist/p1", "one", "1.0.0");
        await Server.PublishAsync("glist/sub/p2", "two", "1.0.0");
        await Server.PublishAsync("glist/a", "three", "1.0.0");
        await Server.PublishAsync("glist/sub/p2", "hidden-two", "1.0.0", status: "hidden");

        const string query = """
            query($g: ID!, $sort: PackageGroupSort, $status: PackageStatus, $name: String) {
              group(fullPath: $g) { packages(sort: $sort, status: $status, packageName: $name) { count nodes { name project { fullPath } } } }
            }
            """;
        async Task<JsonElement> Group(string g, string? sort = null, string? status = null, string? name = null, string token = RegistryServer.RootToken) =>
            (await Server.GraphQLAsync(query, new { g, sort, status, name }, token)).GetProperty("group").GetProperty("packages");

        var all = await Group("glist", "CREATED_ASC");
        Assert.Equal(["one", "two", "three"], Names(all));
        Assert.Equal(3, all.GetProperty("count").GetInt32());
        Assert.Equal(["glist/p1", "glist/sub/p2", "glist/a"],
            all.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("project").GetProperty("fullPath").GetString()!).ToArray());

        Assert.Equal(["three", "one", "two"], Names(await Group("glist", "PROJECT_PATH_ASC")));
        Assert.Equal(["two", "one", "three"], Names(await Group("glist", "PROJECT_PATH_DESC")));
        Assert.Equal(["three", "two", "one"], Names(await Group("glist")));
        Assert.Equal(["hidden-two"], Names(await Group("glist", status: "HIDDEN")));
        Assert.Equal(["two"], Names(await Group("glist", name: "TW")));
        Assert.Equal(["two"], Names(await Group("glist/sub")));
    }

    [Fact]
    public async Task Member_of_one_project_in_a_private_group_sees_only_that_projects_packages()
    {
        await Server.CreateGroupAsync("gpriv");
        await Server.CreateGroupAsync("sub", parentPath: "gpriv");
        await Server.CreateProjectAsync("gpriv", "mine");
        await Server.CreateProjectAsync("gpriv", "theirs");
        await Server.CreateProjectAsync("gpriv/sub", "deep");
        await Server.PublishAsync("gpriv/mine", "mine-pkg", "1.0.0");
        await Server.PublishAsync("gpriv/theirs", "theirs-pkg", "1.0.0");
        await Server.PublishAsync("gpriv/sub/deep", "deep-pkg", "1.0.0");
        var token = await Server.CreateUserWithTokenAsync("gpriv-member");
        await Server.AddProjectMemberAsync("gpriv/mine", "gpriv-member", "DEVELOPER");

        var data = await Server.GraphQLAsync("{ group(fullPath: \"gpriv\") { packages { count nodes { name } } } }", token: token);
        var packages = data.GetProperty("group").GetProperty("packages");
        Assert.Equal(["mine-pkg"], Names(packages));
        Assert.Equal(1, packages.GetProperty("count").GetInt32());

        // The root (an administrator) sees all three.
        var root = await Server.GraphQLAsync("{ group(fullPath: \"gpriv\") { packages { count } } }");
        Assert.Equal(3, root.GetProperty("group").GetProperty("packages").GetProperty("count").GetInt32());

        // Someone with no access anywhere below gets null for the private group.
        var outsider = await Server.CreateUserWithTokenAsync("gpriv-outsider");
        var none = await Server.GraphQLAsync("{ group(fullPath: \"gpriv\") { packages { count } } }", token: outsider);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("group").ValueKind);
    }
    [Fact]
    public async Task Member_of_a_subgroup_sees_the_private_parent_with_only_the_subgroups_packages()
    {
        await Server.CreateGroupAsync("gsub");
        await Server.CreateGroupAsync("inner", parentPath: "gsub");
        await Server.CreateProjectAsync("gsub", "top");
        await Server.CreateProjectAsync("gsub/inner", "low");
        await Server.PublishAsync("gsub/top", "top-pkg", "1.0.0");
        await Server.PublishAsync("gsub/inner/low", "low-pkg", "1.0.0");
        var token = await Server.CreateUserWithTokenAsync("gsub-member");
        await Server.AddGroupMemberAsync("gsub/inner", "gsub-member", "REPORTER");

        var data = await Server.GraphQLAsync("{ group(fullPath: \"gsub\") { packages { nodes { name } } } }", token: token);
        Assert.Equal(["low-pkg"], Names(data.GetProperty("group").GetProperty("packages")));
        // Seeing the group grants nothing more: its settings still cannot be changed.
        Assert.NotEmpty((await Server.UpdateSettingsAsync("gsub", false, null, token)).Errors());
    }
}
