using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Administration;

/// <summary>One server with a group <c>val</c> (subgroup <c>val/sub</c>, project <c>val/app</c>) and a user <c>val-user</c>.</summary>
public sealed class AdminValidationFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync("val");
        await Server.CreateGroupAsync("sub", parentPath: "val");
        await Server.CreateProjectAsync("val", "app");
        await Server.CreateUserAsync("val-user");
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>
/// Input the administration mutations refuse, called by an administrator (so only validation can refuse): taken
/// names (case-insensitively, across users, groups and projects), GitLab's path rules, unknown users and parents,
/// blank scopes. Each asserts the exact message, a null object, and that nothing was stored.
/// </summary>
public sealed class AdminValidationTests(AdminValidationFixture fixture) : IClassFixture<AdminValidationFixture>
{
    private const string PathRule = "can contain only letters, digits, '_', '-' and '.', and cannot start with '-' or end with '.'";
    private RegistryServer Server => fixture.Server;

    public static IEnumerable<object[]> Refusals()
    {
        object User(string username) => new { username };
        object Group(string path, string? parentPath = null) => new { path, parentPath };
        object Project(string path) => new { namespacePath = "val", path };
        yield return ["createUser", User("val-user"), "val-user has already been taken", "user"];
        yield return ["createUser", User("VAL-USER"), "VAL-USER has already been taken", "user"];
        yield return ["createUser", User("val"), "val has already been taken", "user"]; // a group's path
        yield return ["createUser", User("-dash"), "Username " + PathRule, "user"];
        yield return ["createUser", User("dot."), "Username " + PathRule, "user"];
        yield return ["createUser", User("two..dots"), "Username " + PathRule, "user"];
        yield return ["createUser", User("sl/ash"), "Username " + PathRule, "user"];
        yield return ["createUser", User("sp ace"), "Username " + PathRule, "user"];
        yield return ["createUser", User("newline\n"), "Username " + PathRule, "user"]; // $ would match before it
        yield return ["createUser", User("ünïcode"), "Username " + PathRule, "user"];
        yield return ["createUser", User(""), "Username " + PathRule, "user"];
        yield return ["createUser", User(new string('u', 256)), "Username " + PathRule, "user"];
        yield return ["createGroup", Group("val"), "val has already been taken", "group"];
        yield return ["createGroup", Group("VAL"), "VAL has already been taken", "group"];
        yield return ["createGroup", Group("val-user"), "val-user has already been taken", "group"]; // a user's namespace
        yield return ["createGroup", Group("sub", "val"), "val/sub has already been taken", "group"];
        yield return ["createGroup", Group("app", "val"), "val/app has already been taken", "group"]; // a project's path
        yield return ["createGroup", Group("x", "no-such-group"), "Parent group not found", "group"];
        yield return ["createGroup", Group("x", "val-user"), "Parent group not found", "group"]; // a user namespace is no group
        yield return ["createGroup", Group("-g"), "Path " + PathRule, "group"];
        yield return ["createGroup", Group("g."), "Path " + PathRule, "group"];
        yield return ["createGroup", Group("a/b"), "Path " + PathRule, "group"];
        yield return ["createProject", Project("app"), "val/app has already been taken", "project"];
        yield return ["createProject", Project("APP"), "val/APP has already been taken", "project"];
        yield return ["createProject", Project("sub"), "val/sub has already been taken", "project"]; // a subgroup's path
        yield return ["createProject", new { namespacePath = "nowhere", path = "p" }, "Namespace not found", "project"];
        yield return ["createProject", Project(".."), "Path " + PathRule, "project"];
        yield return ["createProject", Project("p.git."), "Path " + PathRule, "project"];
        yield return ["addGroupMember", new { groupPath = "val", username = "nobody", accessLevel = "DEVELOPER" }, "User nobody not found", "accessLevel"];
        yield return ["addProjectMember", new { projectPath = "val/app", username = "nobody", accessLevel = "DEVELOPER" }, "User nobody not found", "accessLevel"];
        yield return ["addGroupMember", new { groupPath = "val/app", username = "val-user", accessLevel = "DEVELOPER" }, "Group not found", "accessLevel"];
        yield return ["createPersonalAccessToken", new { username = "nobody", name = "t", scopes = new[] { "API" } }, "User nobody not found", "token"];
        yield return ["createPersonalAccessToken", new { username = "val-user", name = "t", scopes = Array.Empty<string>() }, "Scopes can't be blank", "token"];
        yield return ["createDeployToken", new { name = "t", scopes = new[] { "READ_PACKAGE_REGISTRY" } }, "Give exactly one of projectPath and groupPath", "token"];
        yield return ["createDeployToken", new { projectPath = "val/app", groupPath = "val", name = "t", scopes = new[] { "READ_PACKAGE_REGISTRY" } },
            "Give exactly one of projectPath and groupPath", "token"];
        yield return ["createDeployToken", new { projectPath = "val/app", name = "t", scopes = Array.Empty<string>() }, "Scopes can't be blank", "token"];
        yield return ["createDeployToken", new { groupPath = "val-user", name = "t", scopes = new[] { "READ_PACKAGE_REGISTRY" } }, "Group not found", "token"];
        yield return ["createCiJobToken", new { projectPath = "val/nothing" }, "Project not found", "token"];
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Invalid_input_is_refused_with_its_reason_and_stores_nothing(string mutation, object input, string expected, string objectField)
    {
        var before = await CountsAsync();
        var response = await Server.GraphQLResponseAsync(
            $"mutation($i: {RegistryClient.InputTypeOf(mutation)}!) {{ {mutation}(input: $i) {{ {Selection(objectField)} errors }} }}", new { i = input });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.HasErrors, response.Body.ToString());
        var payload = response.Data.GetProperty(mutation);
        Assert.Equal([expected], payload.Errors());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty(objectField).ValueKind);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("_under")]
    [InlineData("with.dot-and_under")]
    [InlineData("255")]
    public async Task Valid_paths_at_the_edges_of_the_rule_are_accepted(string username)
    {
        if (username == "255") username = "u" + new string('5', 254);
        var payload = await Server.MutateAsync("createUser", new { username }, selection: "user { username } errors");
        Assert.Empty(payload.Errors());
        Assert.Equal(username, payload.GetProperty("user").GetProperty("username").GetString());
    }

    private static string Selection(string objectField) => objectField switch
    {
        "user" => "user { id }",
        "group" => "group { id }",
        "project" => "project { id }",
        _ => objectField,
    };

    private async Task<(int, int, int, int, int, int, int)> CountsAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return (await db.Users.CountAsync(), await db.Namespaces.CountAsync(), await db.Projects.CountAsync(), await db.Memberships.CountAsync(),
            await db.PersonalAccessTokens.CountAsync(), await db.DeployTokens.CountAsync(), await db.CiJobTokens.CountAsync());
    }
}
