using System.Text.Json;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Lifecycle;

/// <summary>
/// A project's and a group's "Usage quotas" through GraphQL: what the package files add up to, what is stored for them
/// (identical content once), what that saves, and the largest packages; for a project's Maintainers and a group's Owners.
/// </summary>
public sealed class UsageQuotaTests
{
    private const string Statistics = "statistics { packagesSize storageSize packagesSavedSize packageFilesCount storedBlobsCount largestPackages(first: 2) { size package { name version } } }";

    [Fact]
    public async Task Identical_files_are_stored_once_and_the_duplicates_are_counted_as_saved_for_project_and_group()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("use");
        await server.CreateGroupAsync("sub", parentPath: "use");
        await server.CreateProjectAsync("use", "app");
        await server.CreateProjectAsync("use/sub", "lib");
        await server.CreateGroupAsync("use-other");
        await server.CreateProjectAsync("use-other", "app", visibility: "PUBLIC");
        var big = new string('x', 100);
        var dup = new string('y', 30);
        await server.PublishAsync("use/app", "big", "1.0", "big.bin", big);
        await server.PublishAsync("use/app", "dup", "1.0", "a.bin", dup);
        await server.PublishAsync("use/app", "dup", "2.0", "a.bin", dup);
        await server.PublishAsync("use/sub/lib", "dup", "1.0", "a.bin", dup);
        // The same bytes outside: they change nothing inside.
        await server.PublishAsync("use-other/app", "big", "1.0", "big.bin", big);

        var project = (await server.GraphQLAsync($"{{ project(fullPath: \"use/app\") {{ {Statistics} }} }}")).GetProperty("project").GetProperty("statistics");
        Assert.Equal((160d, 130d, 30d, 3, 2), Figures(project));
        Assert.Equal(["big/1.0:100", "dup/1.0:30"], Largest(project));

        var group = (await server.GraphQLAsync($"{{ group(fullPath: \"use\") {{ {Statistics} }} }}")).GetProperty("group").GetProperty("statistics");
        Assert.Equal((190d, 130d, 60d, 4, 2), Figures(group));
        Assert.Equal(["big/1.0:100", "dup/1.0:30"], Largest(group));

        var sub = (await server.GraphQLAsync($"{{ group(fullPath: \"use/sub\") {{ {Statistics} }} }}")).GetProperty("group").GetProperty("statistics");
        Assert.Equal((30d, 30d, 0d, 1, 1), Figures(sub));
    }

    [Fact]
    public async Task A_projects_Maintainers_and_a_groups_Owners_see_usage_Developers_and_outsiders_get_null()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.CreateGroupAsync("useacl", visibility: "PUBLIC");
        await server.CreateProjectAsync("useacl", "app", visibility: "PUBLIC");
        await server.PublishAsync("useacl/app", "p", "1.0", "f.bin", "content");
        var owner = await server.CreateUserWithTokenAsync("useacl-owner");
        var groupMaintainer = await server.CreateUserWithTokenAsync("useacl-gm");
        var projectMaintainer = await server.CreateUserWithTokenAsync("useacl-pm");
        var developer = await server.CreateUserWithTokenAsync("useacl-dev");
        var outsider = await server.CreateUserWithTokenAsync("useacl-out");
        await server.AddGroupMemberAsync("useacl", "useacl-owner", "OWNER");
        await server.AddGroupMemberAsync("useacl", "useacl-gm", "MAINTAINER");
        await server.AddProjectMemberAsync("useacl/app", "useacl-pm", "MAINTAINER");
        await server.AddProjectMemberAsync("useacl/app", "useacl-dev", "DEVELOPER");

        async Task<(bool Project, bool Group)> Sees(string? token)
        {
            var data = await server.GraphQLAsync("{ project(fullPath: \"useacl/app\") { statistics { packagesSize } } group(fullPath: \"useacl\") { statistics { packagesSize } } }", null, token);
            return (data.GetProperty("project").GetProperty("statistics").ValueKind == JsonValueKind.Object,
                data.GetProperty("group").GetProperty("statistics").ValueKind == JsonValueKind.Object);
        }

        Assert.Equal((true, true), await Sees(RegistryServer.RootToken));
        Assert.Equal((true, true), await Sees(owner));
        Assert.Equal((true, false), await Sees(groupMaintainer));
        Assert.Equal((true, false), await Sees(projectMaintainer));
        Assert.Equal((false, false), await Sees(developer));
        Assert.Equal((false, false), await Sees(outsider));
        Assert.Equal((false, false), await Sees(null));
    }

    private static (double, double, double, int, int) Figures(JsonElement s) => (s.GetProperty("packagesSize").GetDouble(), s.GetProperty("storageSize").GetDouble(),
        s.GetProperty("packagesSavedSize").GetDouble(), s.GetProperty("packageFilesCount").GetInt32(), s.GetProperty("storedBlobsCount").GetInt32());

    private static string[] Largest(JsonElement s) => s.GetProperty("largestPackages").EnumerateArray()
        .Select(p => $"{p.GetProperty("package").GetProperty("name").GetString()}/{p.GetProperty("package").GetProperty("version").GetString()}:{p.GetProperty("size").GetDouble()}").ToArray();
}
