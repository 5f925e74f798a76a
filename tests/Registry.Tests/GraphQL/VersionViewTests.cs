using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>
/// The version-aware fields of a project (issue 27, item 12): <c>packageVersionComparison</c> compares two versions of a
/// name by their files and says who published them; <c>packagesDestroyPreview</c> says exactly what <c>destroyPackages</c>
/// would delete. Each answers nothing to a reader without the access it declares.
/// </summary>
public sealed class VersionViewTests(VersionViewTests.Fixture fixture) : IClassFixture<VersionViewTests.Fixture>
{
    private RegistryServer Server => fixture.Server;

    public sealed class Fixture : IAsyncLifetime
    {
        public RegistryServer Server { get; private set; } = null!;
        public string Developer { get; private set; } = "";
        public string Maintainer { get; private set; } = "";
        public string Outsider { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Server = await RegistryServer.StartAsync();
            await Server.CreateGroupAsync("vv");
            Developer = await Server.CreateUserWithTokenAsync("vv-dev");
            Maintainer = await Server.CreateUserWithTokenAsync("vv-maint");
            Outsider = await Server.CreateUserWithTokenAsync("vv-outsider");
            await Server.AddGroupMemberAsync("vv", "vv-dev", "DEVELOPER");
            await Server.AddGroupMemberAsync("vv", "vv-maint", "MAINTAINER");
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private const string Comparison = """
        query($p: ID!, $b: PackagesPackageID!, $h: PackagesPackageID!) { project(fullPath: $p) { packageVersionComparison(baseId: $b, headId: $h) {
          base { version } head { version } basePublishers headPublishers
          files { fileName change base { fileSha256 size publishedBy } head { fileSha256 size publishedBy } } } } }
        """;

    private const string Preview = """
        query($p: ID!, $ids: [PackagesPackageID!]!) { project(fullPath: $p) { packagesDestroyPreview(ids: $ids) {
          fileCount size packages { name version } protectedPackages { name version } } } }
        """;

    private static string Gid(JsonElement published) => $"gid://gitlab/Packages::Package/{published.GetProperty("package_id").GetInt64()}";

    [Fact]
    public async Task Two_versions_compare_by_sha256_with_who_published_each_file_and_outsiders_get_nothing()
    {
        await Server.CreateProjectAsync("vv", "cmp");
        const string p = "vv/cmp";
        var v1 = await Server.PublishAsync(p, "tool", "1.0.0", "same.txt", "same", token: fixture.Maintainer);
        await Server.PublishAsync(p, "tool", "1.0.0", "changed.txt", "old", token: fixture.Maintainer);
        await Server.PublishAsync(p, "tool", "1.0.0", "gone.txt", "gone", token: fixture.Maintainer);
        var v2 = await Server.PublishAsync(p, "tool", "2.0.0", "same.txt", "same", token: fixture.Developer);
        await Server.PublishAsync(p, "tool", "2.0.0", "changed.txt", "first try", token: fixture.Developer);
        // A second file of one name: the one a download serves (the newest) stands for the name.
        await Server.PublishAsync(p, "tool", "2.0.0", "changed.txt", "new", token: fixture.Maintainer);
        await Server.PublishAsync(p, "tool", "2.0.0", "new.txt", "new file", token: fixture.Developer);
        var other = await Server.PublishAsync(p, "other", "1.0.0", "same.txt", "same", token: fixture.Maintainer);

        var data = await Server.GraphQLAsync(Comparison, new { p, b = Gid(v1), h = Gid(v2) }, fixture.Developer);
        var c = data.GetProperty("project").GetProperty("packageVersionComparison");
        Assert.Equal("1.0.0", c.GetProperty("base").GetProperty("version").GetString());
        Assert.Equal("2.0.0", c.GetProperty("head").GetProperty("version").GetString());
        Assert.Equal(["vv-maint"], Texts(c.GetProperty("basePublishers")));
        Assert.Equal(["vv-dev", "vv-maint"], Texts(c.GetProperty("headPublishers")));
        var files = c.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("fileName").GetString()!);
        Assert.Equal(["changed.txt", "gone.txt", "new.txt", "same.txt"], files.Keys.Order().ToArray());
        Assert.Equal("UNCHANGED", files["same.txt"].GetProperty("change").GetString());
        Assert.Equal("CHANGED", files["changed.txt"].GetProperty("change").GetString());
        Assert.Equal("REMOVED", files["gone.txt"].GetProperty("change").GetString());
        Assert.Equal(JsonValueKind.Null, files["gone.txt"].GetProperty("head").ValueKind);
        Assert.Equal("ADDED", files["new.txt"].GetProperty("change").GetString());
        Assert.Equal(JsonValueKind.Null, files["new.txt"].GetProperty("base").ValueKind);
        var changedHead = files["changed.txt"].GetProperty("head");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("new"))), changedHead.GetProperty("fileSha256").GetString());
        Assert.Equal("vv-maint", changedHead.GetProperty("publishedBy").GetString());
        Assert.Equal("vv-dev", files["new.txt"].GetProperty("head").GetProperty("publishedBy").GetString());
        Assert.Equal("3", files["changed.txt"].GetProperty("base").GetProperty("size").GetString());

        // Versions of two names are not compared; an outsider of the private project gets no project at all.
        var mixed = await Server.GraphQLResponseAsync(Comparison, new { p, b = Gid(v1), h = Gid(other) }, fixture.Developer);
        Assert.True(mixed.HasErrors);
        Assert.Contains("same package", mixed.Body.ToString());
        var outsider = await Server.GraphQLAsync(Comparison, new { p, b = Gid(v1), h = Gid(v2) }, fixture.Outsider);
        Assert.Equal(JsonValueKind.Null, outsider.GetProperty("project").ValueKind);
    }

    [Fact]
    public async Task A_package_of_another_project_is_not_compared_even_where_the_reader_may_read_it()
    {
        await Server.CreateProjectAsync("vv", "cmp-a");
        await Server.CreateProjectAsync("vv", "cmp-b");
        var mine = await Server.PublishAsync("vv/cmp-a", "tool", "1.0.0", "a.txt", "a");
        var theirs = await Server.PublishAsync("vv/cmp-b", "tool", "2.0.0", "a.txt", "b");
        var data = await Server.GraphQLAsync(Comparison, new { p = "vv/cmp-a", b = Gid(mine), h = Gid(theirs) }, fixture.Developer);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("project").GetProperty("packageVersionComparison").ValueKind);
    }

    [Fact]
    public async Task A_hidden_version_of_a_public_project_is_compared_only_for_its_members()
    {
        await Server.CreateGroupAsync("vv-public", "PUBLIC");
        await Server.CreateProjectAsync("vv-public", "app", "PUBLIC");
        await Server.AddGroupMemberAsync("vv-public", "vv-dev", "DEVELOPER");
        var shown = await Server.PublishAsync("vv-public/app", "tool", "1.0.0", "a.txt", "a");
        var hidden = await Server.PublishAsync("vv-public/app", "tool", "2.0.0", "a.txt", "b", status: "hidden");
        var variables = new { p = "vv-public/app", b = Gid(shown), h = Gid(hidden) };
        var outsider = await Server.GraphQLAsync(Comparison, variables, fixture.Outsider);
        Assert.Equal(JsonValueKind.Null, outsider.GetProperty("project").GetProperty("packageVersionComparison").ValueKind);
        var member = await Server.GraphQLAsync(Comparison, variables, fixture.Developer);
        Assert.Equal("CHANGED", member.GetProperty("project").GetProperty("packageVersionComparison").GetProperty("files")[0].GetProperty("change").GetString());
    }

    [Fact]
    public async Task The_destroy_preview_says_exactly_what_destroyPackages_deletes_and_only_to_those_who_may_delete()
    {
        await Server.CreateProjectAsync("vv", "bulk");
        const string p = "vv/bulk";
        var a1 = await Server.PublishAsync(p, "app", "1.0.0", "a.bin", new byte[100]);
        await Server.PublishAsync(p, "app", "1.0.0", "b.bin", new byte[23]);
        var a2 = await Server.PublishAsync(p, "app", "2.0.0", "a.bin", new byte[1000]);
        var kept = await Server.PublishAsync(p, "locked-app", "1.0.0", "a.bin", new byte[5]);
        await Server.PublishAsync(p, "app", "3.0.0", "a.bin", new byte[7]);
        Assert.Empty((await Server.MutateAsync("createPackagesProtectionRule",
            new { projectPath = p, packageNamePattern = "locked-*", packageType = "GENERIC", minimumAccessLevelForDelete = "OWNER" })).Errors());
        var ids = new[] { Gid(a1), Gid(a2), Gid(kept) };

        // A Developer may not delete here: the preview is null and the deletion refused, with nothing deleted.
        var asDeveloper = await Server.GraphQLAsync(Preview, new { p, ids }, fixture.Developer);
        Assert.Equal(JsonValueKind.Null, asDeveloper.GetProperty("project").GetProperty("packagesDestroyPreview").ValueKind);
        Assert.NotEmpty((await Server.MutateAsync("destroyPackages", new { ids }, fixture.Developer)).Errors());
        var asOutsider = await Server.GraphQLAsync(Preview, new { p, ids }, fixture.Outsider);
        Assert.Equal(JsonValueKind.Null, asOutsider.GetProperty("project").ValueKind);

        var preview = (await Server.GraphQLAsync(Preview, new { p, ids }, fixture.Maintainer)).GetProperty("project").GetProperty("packagesDestroyPreview");
        Assert.Equal(["app 1.0.0", "app 2.0.0"], VersionsOf(preview.GetProperty("packages")));
        Assert.Equal(["locked-app 1.0.0"], VersionsOf(preview.GetProperty("protectedPackages")));
        Assert.Equal(3, preview.GetProperty("fileCount").GetInt32());
        Assert.Equal("1123", preview.GetProperty("size").GetString());

        // The deletion takes exactly those: the protected one is named and kept, the unselected one untouched.
        var destroyed = await Server.MutateAsync("destroyPackages", new { ids }, fixture.Maintainer);
        Assert.Equal(["Package 'locked-app' is deletion protected."], destroyed.Errors());
        var left = await Server.GraphQLAsync("query($p: ID!) { project(fullPath: $p) { packages(first: 20) { nodes { name version } } } }", new { p });
        Assert.Equal(["app 3.0.0", "locked-app 1.0.0"], VersionsOf(left.GetProperty("project").GetProperty("packages").GetProperty("nodes")));
    }

    [Fact]
    public async Task The_destroy_preview_refuses_an_id_of_another_project()
    {
        await Server.CreateProjectAsync("vv", "bulk-a");
        await Server.CreateProjectAsync("vv", "bulk-b");
        var mine = await Server.PublishAsync("vv/bulk-a", "app", "1.0.0", "a.bin", new byte[1]);
        var theirs = await Server.PublishAsync("vv/bulk-b", "app", "1.0.0", "a.bin", new byte[1]);
        var answer = await Server.GraphQLResponseAsync(Preview, new { p = "vv/bulk-a", ids = new[] { Gid(mine), Gid(theirs) } }, fixture.Maintainer);
        Assert.True(answer.HasErrors);
        Assert.Equal(JsonValueKind.Null, answer.Data.GetProperty("project").GetProperty("packagesDestroyPreview").ValueKind);
    }

    private static string[] Texts(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string[] VersionsOf(JsonElement packages) =>
        packages.EnumerateArray().Select(n => $"{n.GetProperty("name").GetString()} {n.GetProperty("version").GetString()}").Order().ToArray();
}
