using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.GraphQL;

/// <summary>Package settings (docs/api-contract.md, Duplicate settings) through the settings mutation and real uploads.</summary>
public sealed class DuplicateSettingsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RegistryServer Server => fixture.Server;
    private const string DuplicateRefused = """{"message":"400 Bad request - Duplicate package is not allowed"}""";

    // The table of docs/api-contract.md, Duplicate settings: name foo and version 1.0.0-beta; an empty regex stands for "no regex"; then partial
    // matches, which GitLab's anchored regex does not count.
    [Theory]
    [InlineData(1, true, "foo", false)]
    [InlineData(2, true, "1.0.0-beta", false)]
    [InlineData(3, true, ".*", false)]
    [InlineData(4, true, ".*be.*", false)]
    [InlineData(5, true, "asdf", true)]
    [InlineData(6, true, "", true)]
    [InlineData(7, false, "foo", true)]
    [InlineData(8, false, "1.0.0-beta", true)]
    [InlineData(9, false, ".*", true)]
    [InlineData(10, false, ".*be.*", true)]
    [InlineData(11, false, "asdf", false)]
    [InlineData(12, false, "", false)]
    // The regex is anchored: a pattern that matches only part of the name or the version does not match at all.
    [InlineData(13, true, "fo", true)]
    [InlineData(14, true, "oo", true)]
    [InlineData(15, true, "1.0", true)]
    [InlineData(16, true, "beta", true)]
    [InlineData(17, false, "fo", false)]
    [InlineData(18, false, "1.0.0", false)]
    // Alternatives stay inside the anchors: ^(?:foo|x)$, not ^foo|x$ (which a suffix "x" would match).
    [InlineData(19, true, "x|foo", false)]
    [InlineData(20, true, "f|1.0.0-bet", true)]
    public async Task Duplicate_table_row(int row, bool allowed, string regex, bool duplicateAccepted)
    {
        var group = $"dup-row-{row}";
        await Server.CreateGroupAsync(group);
        await Server.CreateProjectAsync(group, "app");
        var project = $"{group}/app";
        await Server.SetSettingsAsync(group, allowed, regex);
        Assert.Equal((allowed, regex == "" ? null : regex), await Server.ReadSettingsAsync(group));

        var first = RandomNumberGenerator.GetBytes(64);
        var second = RandomNumberGenerator.GetBytes(64);
        using (var put = await Server.UploadAsync(project, "foo", "1.0.0-beta", "foo.bin", first))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using (var again = await Server.UploadAsync(project, "foo", "1.0.0-beta", "foo.bin", second))
        {
            if (duplicateAccepted)
            {
                Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
                Assert.Equal(DuplicateRefused, await again.Content.ReadAsStringAsync());
            }
        }

        var (status, body) = await Server.DownloadAsync(project, "foo", "1.0.0-beta", "foo.bin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(duplicateAccepted ? second : first, body);
        if (!duplicateAccepted)
        {
            // Nothing of the refused upload is stored: one file in the package, no blob with its bytes.
            var files = await FileNamesAsync(project, "foo");
            Assert.Equal(["foo.bin"], files);
            Assert.Empty(await Server.BlobsWithContentAsync(second));
        }
    }

    [Fact]
    public async Task Defaults_apply_before_any_update_on_namespace_and_group()
    {
        await Server.CreateGroupAsync("defaults-group");
        var data = await Server.GraphQLAsync("""
            {
              namespace(fullPath: "defaults-group") { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } }
              group(fullPath: "defaults-group") { packageSettings { genericDuplicatesAllowed genericDuplicateExceptionRegex } }
            }
            """);
        foreach (var field in new[] { "namespace", "group" })
        {
            var s = data.GetProperty(field).GetProperty("packageSettings");
            Assert.True(s.GetProperty("genericDuplicatesAllowed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, s.GetProperty("genericDuplicateExceptionRegex").ValueKind);
        }
    }

    [Fact]
    public async Task Maintainer_is_refused_and_owner_is_allowed()
    {
        await Server.CreateGroupAsync("perm-group");
        var maintainer = await Server.CreateUserWithTokenAsync("perm-maintainer");
        var owner = await Server.CreateUserWithTokenAsync("perm-owner");
        await Server.AddGroupMemberAsync("perm-group", "perm-maintainer", "MAINTAINER");
        await Server.AddGroupMemberAsync("perm-group", "perm-owner", "OWNER");

        var refused = await Server.UpdateSettingsAsync("perm-group", false, "foo", maintainer);
        Assert.NotEmpty(refused.Errors());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("packageSettings").ValueKind);
        Assert.Equal((true, (string?)null), await Server.ReadSettingsAsync("perm-group"));

        var allowed = await Server.UpdateSettingsAsync("perm-group", false, "foo", owner);
        Assert.Empty(allowed.Errors());
        Assert.False(allowed.GetProperty("packageSettings").GetProperty("genericDuplicatesAllowed").GetBoolean());
        Assert.Equal("foo", allowed.GetProperty("packageSettings").GetProperty("genericDuplicateExceptionRegex").GetString());
        Assert.Equal((false, "foo"), await Server.ReadSettingsAsync("perm-group"));
    }

    [Fact]
    public async Task Owner_of_a_parent_group_may_change_a_subgroup_but_a_subgroup_maintainer_may_not()
    {
        await Server.CreateGroupAsync("perm-parent");
        await Server.CreateGroupAsync("sub", parentPath: "perm-parent");
        var owner = await Server.CreateUserWithTokenAsync("perm-parent-owner");
        var maintainer = await Server.CreateUserWithTokenAsync("perm-sub-maintainer");
        await Server.AddGroupMemberAsync("perm-parent", "perm-parent-owner", "OWNER");
        await Server.AddGroupMemberAsync("perm-parent/sub", "perm-sub-maintainer", "MAINTAINER");

        Assert.NotEmpty((await Server.UpdateSettingsAsync("perm-parent/sub", false, null, maintainer)).Errors());
        Assert.Empty((await Server.UpdateSettingsAsync("perm-parent/sub", false, null, owner)).Errors());
        Assert.Equal((false, (string?)null), await Server.ReadSettingsAsync("perm-parent/sub"));
    }

    [Fact]
    public async Task Administrator_is_allowed_on_a_group_they_are_not_a_member_of()
    {
        await Server.CreateGroupAsync("admin-group");
        await Server.CreateUserAsync("second-admin", admin: true);
        var token = await Server.CreatePersonalAccessTokenAsync("second-admin", ["API"]);
        var payload = await Server.UpdateSettingsAsync("admin-group", false, ".*", token);
        Assert.Empty(payload.Errors());
        Assert.Equal((false, ".*"), await Server.ReadSettingsAsync("admin-group"));
    }

    [Fact]
    public async Task User_may_change_their_own_personal_namespace_but_not_another_users()
    {
        var token = await Server.CreateUserWithTokenAsync("personal-user");
        await Server.CreateUserAsync("other-personal-user");

        var own = await Server.UpdateSettingsAsync("personal-user", false, null, token);
        Assert.Empty(own.Errors());
        Assert.False(own.GetProperty("packageSettings").GetProperty("genericDuplicatesAllowed").GetBoolean());
        Assert.Equal((false, (string?)null), await Server.ReadSettingsAsync("personal-user"));

        Assert.NotEmpty((await Server.UpdateSettingsAsync("other-personal-user", false, null, token)).Errors());
        Assert.Equal((true, (string?)null), await Server.ReadSettingsAsync("other-personal-user"));
    }

    [Fact]
    public async Task Personal_namespace_settings_apply_to_its_projects()
    {
        var token = await Server.CreateUserWithTokenAsync("personal-publisher");
        await Server.CreateProjectAsync("personal-publisher", "app", token: token);
        Assert.Empty((await Server.UpdateSettingsAsync("personal-publisher", false, null, token)).Errors());
        using (var first = await Server.UploadAsync("personal-publisher/app", "foo", "1.0.0", "a.bin", [1], token: token))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await Server.UploadAsync("personal-publisher/app", "foo", "1.0.0", "a.bin", [2], token: token);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("(?:v.+|SNAPSHOT|TEMP")]
    [InlineData("256")]
    public async Task Invalid_regex_is_refused_and_nothing_changes(string pattern)
    {
        if (pattern == "256") pattern = new string('a', 256);
        var group = "invalid-regex-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(pattern)))[..8];
        await Server.CreateGroupAsync(group);
        await Server.SetSettingsAsync(group, true, "keep");

        var payload = await Server.UpdateSettingsAsync(group, false, pattern);
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("packageSettings").ValueKind);
        var error = Assert.Single(payload.Errors());
        Assert.Contains("regex", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((true, "keep"), await Server.ReadSettingsAsync(group));
    }

    [Fact]
    public async Task Regex_of_255_characters_is_accepted()
    {
        await Server.CreateGroupAsync("regex-255");
        var pattern = new string('a', 255);
        var payload = await Server.UpdateSettingsAsync("regex-255", true, pattern);
        Assert.Empty(payload.Errors());
        Assert.Equal(pattern, payload.GetProperty("packageSettings").GetProperty("genericDuplicateExceptionRegex").GetString());
    }

    [Fact]
    public async Task Null_regex_clears_and_an_absent_regex_keeps_it()
    {
        await Server.CreateGroupAsync("regex-clear");
        await Server.SetSettingsAsync("regex-clear", true, "foo");
        Assert.Empty((await Server.UpdateSettingsAsync("regex-clear", false, null)).Errors());
        Assert.Equal((false, "foo"), await Server.ReadSettingsAsync("regex-clear"));
        var data = await Server.GraphQLAsync(PackageGraphQL.SettingsMutation,
            new { i = new { namespacePath = "regex-clear", genericDuplicateExceptionRegex = (string?)null } });
        Assert.Empty(data.GetProperty("updateNamespacePackageSettings").Errors());
        Assert.Equal((false, (string?)null), await Server.ReadSettingsAsync("regex-clear"));
    }

    [Fact]
    public async Task Subgroup_project_does_not_inherit_the_parent_groups_setting()
    {
        await Server.CreateGroupAsync("inherit-parent");
        await Server.CreateGroupAsync("child", parentPath: "inherit-parent");
        await Server.CreateProjectAsync("inherit-parent", "direct");
        await Server.CreateProjectAsync("inherit-parent/child", "nested");
        await Server.SetSettingsAsync("inherit-parent", false, null);

        // The parent's own project refuses duplicates...
        using (var a = await Server.UploadAsync("inherit-parent/direct", "foo", "1.0.0-beta", "foo.bin", [1]))
            Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        using (var b = await Server.UploadAsync("inherit-parent/direct", "foo", "1.0.0-beta", "foo.bin", [2]))
            Assert.Equal(HttpStatusCode.BadRequest, b.StatusCode);

        // ...while the subgroup's project follows its own (default) settings.
        Assert.Equal((true, (string?)null), await Server.ReadSettingsAsync("inherit-parent/child"));
        using (var c = await Server.UploadAsync("inherit-parent/child/nested", "foo", "1.0.0-beta", "foo.bin", [1]))
            Assert.Equal(HttpStatusCode.Created, c.StatusCode);
        using (var d = await Server.UploadAsync("inherit-parent/child/nested", "foo", "1.0.0-beta", "foo.bin", [2]))
            Assert.Equal(HttpStatusCode.Created, d.StatusCode);
    }

    [Fact]
    public async Task Pathological_regex_does_not_hang_an_upload()
    {
        await Server.CreateGroupAsync("redos");
        await Server.CreateProjectAsync("redos", "app");
        await Server.SetSettingsAsync("redos", true, "(a+)+$");
        var name = new string('a', 199) + "-";

        // A backtracking engine would take ages on each check; a 10 s client timeout turns a hang into a failure.
        var timeout = TimeSpan.FromSeconds(10);
        using (var first = await Server.UploadAsync("redos/app", name, "1.0.0", "a.bin", [1], timeout: timeout))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using (var second = await Server.UploadAsync("redos/app", name, "1.0.0", "a.bin", [2], timeout: timeout))
            Assert.Equal(HttpStatusCode.Created, second.StatusCode); // the name does not match, so the toggle stands

        // And the same pattern does match a name of a's: that duplicate is refused.
        var plain = new string('a', 200);
        using (var third = await Server.UploadAsync("redos/app", plain, "1.0.0", "a.bin", [1], timeout: timeout))
            Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        using (var fourth = await Server.UploadAsync("redos/app", plain, "1.0.0", "a.bin", [2], timeout: timeout))
            Assert.Equal(HttpStatusCode.BadRequest, fourth.StatusCode);
    }

    private async Task<string[]> FileNamesAsync(string projectPath, string name)
    {
        var gid = await Server.PackageGidAsync(projectPath, name);
        var data = await Server.GraphQLAsync("query($id: PackagesPackageID!) { package(id: $id) { packageFiles { nodes { fileName } } } }", new { id = gid });
        return data.GetProperty("package").GetProperty("packageFiles").GetProperty("nodes").Strings("fileName");
    }
}
