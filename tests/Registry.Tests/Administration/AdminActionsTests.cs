using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Administration;

/// <summary>
/// The admin area's actions through the real stack (issue 27, item 10): a blocked user's tokens and sessions are
/// refused from the moment the block returns, with GitLab's 403, and work again after an unblock; deleting a project,
/// a group or a user removes their packages, files and stored bytes, as the server's preview counted them.
/// </summary>
public sealed class AdminActionsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string BlockedBody = """{"message":"403 Forbidden - Your account has been blocked."}""";
    private RegistryServer Server => fixture.Server;

    private const string UserQuery = "query { currentUser { username } }";

    [Fact]
    public async Task A_blocked_users_tokens_and_sessions_are_refused_at_once_and_an_unblock_restores_the_tokens()
    {
        await Server.CreateGroupAsync("blk", "PUBLIC");
        await Server.CreateProjectAsync("blk", "app", "PUBLIC");
        await Server.CreateUserAsync("blk-dev", password: "blk-dev-password");
        var token = await Server.CreatePersonalAccessTokenAsync("blk-dev", ["API"]);
        await Server.AddProjectMemberAsync("blk/app", "blk-dev", "DEVELOPER");
        var jobToken = await Server.CreateCiJobTokenAsync("blk/app", token);
        await Server.PublishAsync("blk/app", "pkg", "1.0", "a.txt", "a");
        var session = await SignInAsync("blk-dev", "blk-dev-password");
        var userId = await UserIdAsync("blk-dev");

        // Each credential works, and is now in the authentication cache.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/v4/user", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync("blk/app", "pkg", "1.0", "a.txt", token)).Status);
        Assert.Equal(HttpStatusCode.OK, await JobTokenDownloadAsync(jobToken));
        Assert.Equal(HttpStatusCode.OK, (await SessionGetAsync(session, "/api/v4/user")).StatusCode);

        using (var admin = Server.Client(RegistryServer.RootToken))
        using (var blocked = await admin.PostAsync($"/api/v4/users/{userId}/block", null))
        {
            Assert.Equal(HttpStatusCode.Created, blocked.StatusCode);
            Assert.Equal("true", await blocked.Content.ReadAsStringAsync());
        }

        // The very next calls: REST (even a public download), GraphQL, the job token, the session.
        var rest = await GetAsync("/api/v4/user", token);
        Assert.Equal(HttpStatusCode.Forbidden, rest.Status);
        Assert.Equal(BlockedBody, rest.Body);
        Assert.Equal(HttpStatusCode.Forbidden, (await Server.DownloadAsync("blk/app", "pkg", "1.0", "a.txt", token)).Status);
        var graphql = await Server.GraphQLResponseAsync(UserQuery, token: token);
        Assert.Equal(HttpStatusCode.Forbidden, graphql.StatusCode);
        Assert.Equal(["Your account has been blocked."], graphql.ErrorMessages);
        Assert.Equal(HttpStatusCode.Forbidden, await JobTokenDownloadAsync(jobToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SessionGetAsync(session, "/api/v4/user")).StatusCode);
        // Nor can the blocked user sign in again.
        using (var client = Server.Client((string?)null))
        using (var signIn = await client.PostAsJsonAsync("/users/sign_in", new { username = "blk-dev", password = "blk-dev-password" }))
            Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        var listed = await Server.GraphQLAsync("query { users(search: \"blk-dev\") { nodes { username blocked state } } }");
        Assert.Equal("blocked", listed.GetProperty("users").GetProperty("nodes")[0].GetProperty("state").GetString());

        var unblocked = await Server.MutateAsync("unblockUser", new { username = "blk-dev" }, RegistryServer.RootToken, "user { blocked } errors");
        Assert.Empty(unblocked.Errors());
        Assert.False(unblocked.GetProperty("user").GetProperty("blocked").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/v4/user", token)).Status);
        Assert.Equal(HttpStatusCode.OK, await JobTokenDownloadAsync(jobToken));
        Assert.Equal("blk-dev", (await Server.GraphQLAsync(UserQuery, token: token)).GetProperty("currentUser").GetProperty("username").GetString());
        // The session ended with the block: a new sign-in is needed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SessionGetAsync(session, "/api/v4/user")).StatusCode);
    }

    [Fact]
    public async Task Nobody_blocks_or_deletes_themselves_and_an_unknown_user_is_GitLabs_404()
    {
        using var admin = Server.Client(RegistryServer.RootToken);
        var root = await UserIdAsync("root");
        using (var self = await admin.PostAsync($"/api/v4/users/{root}/block", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
            Assert.Equal("""{"message":"403 Forbidden - The API initiating user cannot be blocked by the API"}""", await self.Content.ReadAsStringAsync());
        }
        var deleteSelf = await Server.MutateAsync("deleteUser", new { username = "root" }, RegistryServer.RootToken, "deleted { files } errors");
        Assert.Equal(["You cannot delete yourself"], deleteSelf.Errors());
        // REST refuses everyone but administrators, as GitLab's authenticated_as_admin!, and changes nothing.
        var owner = await Server.CreateUserWithTokenAsync("self-owner");
        await Server.CreateGroupAsync("self-group", token: owner);
        var projectId = await Server.CreateProjectAsync("self-group", "app", token: owner);
        using (var notAdmin = Server.Client(owner))
        {
            using var block = await notAdmin.PostAsync($"/api/v4/users/{root}/block", null);
            Assert.Equal(HttpStatusCode.Forbidden, block.StatusCode);
            Assert.Equal("""{"message":"403 Forbidden - Only administrators can block and unblock users"}""", await block.Content.ReadAsStringAsync());
            using var delete = await notAdmin.DeleteAsync($"/api/v4/projects/{projectId}");
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
            Assert.Equal("""{"message":"403 Forbidden - Only administrators can delete users, groups and projects"}""", await delete.Content.ReadAsStringAsync());
        }
        Assert.True(await ExistsAsync(db => db.Projects.AnyAsync(p => p.Id == projectId)));
        using var missing = await admin.PostAsync("/api/v4/users/999999/block", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"message":"404 User Not Found"}""", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deleting_a_project_removes_its_packages_files_and_bytes_as_the_preview_counted_and_keeps_shared_bytes()
    {
        await Server.CreateGroupAsync("delp");
        var projectId = await Server.CreateProjectAsync("delp", "gone");
        await Server.CreateProjectAsync("delp", "kept");
        await Server.PublishAsync("delp/gone", "pkg", "1.0", "one.bin", "only in the deleted project");
        await Server.PublishAsync("delp/gone", "pkg", "1.0", "two.bin", "shared with the kept project");
        await Server.PublishAsync("delp/gone", "other", "2.0", "three.bin", "x");
        await Server.PublishAsync("delp/kept", "pkg", "1.0", "shared.bin", "shared with the kept project");
        var before = await StoreSnapshot.TakeAsync(Server);

        var preview = (await Server.GraphQLAsync("query { deletionPreview(kind: PROJECT, path: \"delp/gone\") { projects groups packages files bytes } }"))
            .GetProperty("deletionPreview");
        Assert.Equal(1, preview.GetProperty("projects").GetInt32());
        Assert.Equal(0, preview.GetProperty("groups").GetInt32());
        Assert.Equal(2, preview.GetProperty("packages").GetInt32());
        Assert.Equal(3, preview.GetProperty("files").GetInt32());
        Assert.Equal(27 + 28 + 1, preview.GetProperty("bytes").GetDouble());

        var deleted = await Server.MutateAsync("deleteProject", new { fullPath = "delp/gone" }, RegistryServer.RootToken,
            "deleted { packages files bytes } errors");
        Assert.Empty(deleted.Errors());
        Assert.Equal(3, deleted.GetProperty("deleted").GetProperty("files").GetInt32());

        var after = await StoreSnapshot.TakeAsync(Server);
        Assert.Equal(before with { Packages = before.Packages - 2, PackageFiles = before.PackageFiles - 3, Blobs = before.Blobs - 2 }, after);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v4/projects/{projectId}", RegistryServer.RootToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Server.DownloadAsync("delp/kept", "pkg", "1.0", "shared.bin")).Status);
        Assert.False(await ExistsAsync(db => db.Projects.AnyAsync(p => p.Id == projectId)));
    }

    [Fact]
    public async Task Deleting_a_group_over_REST_takes_its_subgroups_projects_tokens_and_bytes()
    {
        var groupId = await Server.CreateGroupAsync("delg");
        await Server.CreateGroupAsync("sub", parentPath: "delg");
        await Server.CreateProjectAsync("delg", "app");
        await Server.CreateProjectAsync("delg/sub", "lib");
        await Server.PublishAsync("delg/app", "pkg", "1.0", "a.bin", "group project bytes");
        await Server.PublishAsync("delg/sub/lib", "pkg", "1.0", "b.bin", "subgroup project bytes");
        var (deployToken, _) = await Server.CreateGroupDeployTokenAsync("delg", "READ_PACKAGE_REGISTRY");
        var bot = await Server.MutateAsync("createGroupAccessToken", new { groupPath = "delg", name = "bot", scopes = new[] { "API" } },
            RegistryServer.RootToken, "token errors");
        Assert.Empty(bot.Errors());
        var before = await StoreSnapshot.TakeAsync(Server);

        var preview = (await Server.GraphQLAsync("query { deletionPreview(kind: GROUP, path: \"delg\") { projects groups packages files bytes } }"))
            .GetProperty("deletionPreview");
        Assert.Equal((2, 2, 2, 2), (preview.GetProperty("projects").GetInt32(), preview.GetProperty("groups").GetInt32(),
            preview.GetProperty("packages").GetInt32(), preview.GetProperty("files").GetInt32()));

        using (var admin = Server.Client(RegistryServer.RootToken))
        using (var response = await admin.DeleteAsync($"/api/v4/groups/{groupId}"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("""{"message":"202 Accepted"}""", await response.Content.ReadAsStringAsync());
        }

        var after = await StoreSnapshot.TakeAsync(Server);
        Assert.Equal(new StoreSnapshot(before.Packages - 2, before.PackageFiles - 2, before.Blobs - 2), after);
        Assert.False(await ExistsAsync(db => db.Namespaces.AnyAsync(n => n.FullPath == "delg" || n.FullPath.StartsWith("delg/"))));
        Assert.False(await ExistsAsync(db => db.Users.AnyAsync(u => u.BotGroupId == groupId)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/v4/user", TokenOf(bot))).Status);
        using var deploy = Server.Client(h => h.Add("Deploy-Token", deployToken));
        using var download = await deploy.GetAsync(Publishing.Url("delg/app", "pkg", "1.0", "a.bin"));
        Assert.Equal(HttpStatusCode.Unauthorized, download.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_user_takes_their_personal_projects_and_tokens_and_leaves_their_groups()
    {
        var token = await Server.CreateUserWithTokenAsync("delu");
        await Server.CreateProjectAsync("delu", "mine", token: token);
        await Server.PublishAsync("delu/mine", "pkg", "1.0", "mine.bin", "personal bytes", token: token);
        await Server.CreateGroupAsync("delu-group", token: token);
        var userId = await UserIdAsync("delu");
        var before = await StoreSnapshot.TakeAsync(Server);

        var preview = (await Server.GraphQLAsync("query { deletionPreview(kind: USER, path: \"delu\") { projects groups packages files bytes } }"))
            .GetProperty("deletionPreview");
        Assert.Equal((1, 0, 1, 1, 14d), (preview.GetProperty("projects").GetInt32(), preview.GetProperty("groups").GetInt32(),
            preview.GetProperty("packages").GetInt32(), preview.GetProperty("files").GetInt32(), preview.GetProperty("bytes").GetDouble()));

        using (var admin = Server.Client(RegistryServer.RootToken))
        using (var response = await admin.DeleteAsync($"/api/v4/users/{userId}"))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal(new StoreSnapshot(before.Packages - 1, before.PackageFiles - 1, before.Blobs - 1), await StoreSnapshot.TakeAsync(Server));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/v4/user", token)).Status);
        Assert.False(await ExistsAsync(db => db.Namespaces.AnyAsync(n => n.FullPath == "delu" || n.FullPath == "delu/mine")));
        Assert.True(await ExistsAsync(db => db.Namespaces.AnyAsync(n => n.FullPath == "delu-group")));
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token)
    {
        using var client = Server.Client(token);
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpStatusCode> JobTokenDownloadAsync(string jobToken)
    {
        using var client = Server.Client(h => h.Add("JOB-TOKEN", jobToken));
        using var response = await client.GetAsync(Publishing.Url("blk/app", "pkg", "1.0", "a.txt"));
        return response.StatusCode;
    }

    private async Task<string> SignInAsync(string username, string password)
    {
        using var client = Server.Client((string?)null);
        using var response = await client.PostAsJsonAsync("/users/sign_in", new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("_registry_session=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';')];
    }

    private async Task<HttpResponseMessage> SessionGetAsync(string cookie, string path)
    {
        using var client = Server.Client(h => h.Add("Cookie", cookie));
        return await client.GetAsync(path);
    }

    private async Task<long> UserIdAsync(string username)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Users.Where(u => u.Username == username).Select(u => u.Id).SingleAsync();
    }

    private async Task<bool> ExistsAsync(Func<RegistryDbContext, Task<bool>> query)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }

    private static string TokenOf(JsonElement payload) => payload.GetProperty("token").GetString()!;
}
