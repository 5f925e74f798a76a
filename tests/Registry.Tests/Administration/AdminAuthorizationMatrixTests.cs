using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Administration;

/// <summary>Who calls an administration mutation: no token, read_api tokens (of the Owner and of an administrator), each role in the group, a stranger, an administrator.</summary>
public enum Caller { Anonymous, ReadApi, AdminReadApi, Guest, Reporter, Developer, Maintainer, Owner, Stranger, Admin }

/// <summary>One server with a private group <c>adm</c> and project <c>adm/app</c>, a member of every role and two outsiders.</summary>
public sealed class AdminMatrixFixture : IAsyncLifetime
{
    public const string Group = "adm";
    public const string Project = "adm/app";
    public RegistryServer Server { get; private set; } = null!;
    public Dictionary<Caller, string?> Tokens { get; } = new();
    public Dictionary<Caller, string> Usernames { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await Server.CreateGroupAsync(Group);
        await Server.CreateProjectAsync(Group, "app");
        foreach (var (caller, role) in new[] { (Caller.Guest, "GUEST"), (Caller.Reporter, "REPORTER"), (Caller.Developer, "DEVELOPER"),
                     (Caller.Maintainer, "MAINTAINER"), (Caller.Owner, "OWNER") })
        {
            var username = "adm-" + caller.ToString().ToLowerInvariant();
            Tokens[caller] = await Server.CreateUserWithTokenAsync(username);
            Usernames[caller] = username;
            await Server.AddGroupMemberAsync(Group, username, role);
        }
        Tokens[Caller.Stranger] = await Server.CreateUserWithTokenAsync("adm-stranger");
        Usernames[Caller.Stranger] = "adm-stranger";
        await Server.CreateUserAsync("adm-admin", admin: true);
        Tokens[Caller.Admin] = await Server.CreatePersonalAccessTokenAsync("adm-admin", ["API"]);
        Usernames[Caller.Admin] = "adm-admin";
        // The Owner's own token, but read_api: no mutation may pass with it.
        Tokens[Caller.ReadApi] = await Server.CreatePersonalAccessTokenAsync("adm-owner", ["READ_API"]);
        Usernames[Caller.ReadApi] = "adm-owner";
        Tokens[Caller.AdminReadApi] = await Server.CreatePersonalAccessTokenAsync("adm-admin", ["READ_API"]);
        Usernames[Caller.AdminReadApi] = "adm-admin";
        Tokens[Caller.Anonymous] = null;
        Usernames[Caller.Anonymous] = "adm-stranger";
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>
/// Every administration and token mutation called by every kind of caller (issue 14, item 3): the exact refusal in
/// <c>errors</c> (and no object in the payload), or success; then the stored state, so that a refused call provably
/// created, added or revoked nothing.
/// </summary>
public sealed class AdminAuthorizationMatrixTests(AdminMatrixFixture fixture) : IClassFixture<AdminMatrixFixture>
{
    private const string SignIn = "You must be signed in with a token that has the api scope";
    private RegistryServer Server => fixture.Server;
    private static int _unique;

    public enum Operation
    {
        CreateUser, CreateTopLevelGroup, CreateSubgroup, CreateProject, AddGroupMember, AddProjectMember, AddProjectOwner,
        CreateOwnToken, CreateTokenForAnother, CreateProjectDeployToken, CreateGroupDeployToken, CreateCiJobToken,
        RevokeOwnToken, RevokeAnothersToken, RevokeDeployToken, RevokeCiJobToken,
    }

    /// <summary>The refusal each caller gets, or null for success. Anonymous and read_api callers get <see cref="SignIn"/> unless said otherwise.</summary>
    private static string? Expected(Operation op, Caller who)
    {
        if (who == Caller.Admin) return null;
        if (op == Operation.CreateUser) return "Only administrators can create users";
        if (who is Caller.Anonymous or Caller.ReadApi or Caller.AdminReadApi) return SignIn;
        var role = who switch
        {
            Caller.Guest => AccessLevel.Guest,
            Caller.Reporter => AccessLevel.Reporter,
            Caller.Developer => AccessLevel.Developer,
            Caller.Maintainer => AccessLevel.Maintainer,
            Caller.Owner => AccessLevel.Owner,
            _ => (AccessLevel?)null,
        };
        string? AtLeast(AccessLevel level, string refused, string notFound) => role is null ? notFound : role >= level ? null : refused;
        return op switch
        {
            Operation.CreateTopLevelGroup or Operation.CreateOwnToken or Operation.RevokeOwnToken => null,
            Operation.CreateSubgroup => AtLeast(AccessLevel.Maintainer, "You do not have permission to create a subgroup in this group", "Parent group not found"),
            Operation.CreateProject => AtLeast(AccessLevel.Maintainer, "You do not have permission to create a project in this namespace", "Namespace not found"),
            Operation.AddGroupMember => AtLeast(AccessLevel.Owner, "Only the group's owners can add members", "Group not found"),
            Operation.AddProjectMember => AtLeast(AccessLevel.Maintainer, "You do not have permission to add this member", "Project not found"),
            Operation.AddProjectOwner => AtLeast(AccessLevel.Owner, "You do not have permission to add this member", "Project not found"),
            Operation.CreateTokenForAnother => "You can only create tokens for yourself",
            Operation.CreateProjectDeployToken => AtLeast(AccessLevel.Maintainer, "You do not have permission to create deploy tokens in this project", "Project not found"),
            Operation.CreateGroupDeployToken => AtLeast(AccessLevel.Maintainer, "You do not have permission to create deploy tokens in this group", "Group not found"),
            Operation.CreateCiJobToken => AtLeast(AccessLevel.Developer, "You do not have permission to run jobs in this project", "Project not found"),
            Operation.RevokeAnothersToken => "Token not found",
            Operation.RevokeDeployToken => AtLeast(AccessLevel.Maintainer, "Token not found", "Token not found"),
            // The job token was minted by the Developer: only they (and administrators) may revoke it.
            Operation.RevokeCiJobToken => who == Caller.Developer ? null : "Token not found",
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    public static IEnumerable<object[]> Matrix() =>
        from op in Enum.GetValues<Operation>() from who in Enum.GetValues<Caller>() select new object[] { op, who };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Mutation_answers_each_caller_as_expected_and_a_refusal_changes_nothing(Operation op, Caller who)
    {
        var expected = Expected(op, who);
        var token = fixture.Tokens[who];
        var n = Interlocked.Increment(ref _unique);
        var name = $"m{n}-{op.ToString().ToLowerInvariant()}";

        // What the call would create or change, and how to see whether it did.
        string mutation, selection, objectField;
        object input;
        Func<Task<bool>> changed;
        switch (op)
        {
            case Operation.CreateUser:
                (mutation, input, selection, objectField) = ("createUser", new { username = name }, "user { id username } errors", "user");
                changed = () => ExistsAsync(db => db.Users.AnyAsync(u => u.Username == name));
                break;
            case Operation.CreateTopLevelGroup:
                (mutation, input, selection, objectField) = ("createGroup", new { path = name }, "group { id fullPath } errors", "group");
                changed = () => ExistsAsync(db => db.Namespaces.AnyAsync(g => g.FullPath == name));
                break;
            case Operation.CreateSubgroup:
                (mutation, input, selection, objectField) = ("createGroup", new { path = name, parentPath = AdminMatrixFixture.Group }, "group { id fullPath } errors", "group");
                changed = () => ExistsAsync(db => db.Namespaces.AnyAsync(g => g.FullPath == AdminMatrixFixture.Group + "/" + name));
                break;
            case Operation.CreateProject:
                (mutation, input, selection, objectField) = ("createProject", new { namespacePath = AdminMatrixFixture.Group, path = name }, "project { id fullPath } errors", "project");
                changed = () => ExistsAsync(db => db.Projects.AnyAsync(p => p.FullPath == AdminMatrixFixture.Group + "/" + name));
                break;
            case Operation.AddGroupMember:
            case Operation.AddProjectMember:
            case Operation.AddProjectOwner:
            {
                await Server.CreateUserAsync(name);
                (mutation, input) = op == Operation.AddGroupMember
                    ? ("addGroupMember", (object)new { groupPath = AdminMatrixFixture.Group, username = name, accessLevel = "DEVELOPER" })
                    : ("addProjectMember", new { projectPath = AdminMatrixFixture.Project, username = name, accessLevel = op == Operation.AddProjectOwner ? "OWNER" : "DEVELOPER" });
                (selection, objectField) = ("accessLevel errors", "accessLevel");
                changed = () => ExistsAsync(db => db.Memberships.AnyAsync(m => db.Users.Any(u => u.Id == m.UserId && u.Username == name)));
                break;
            }
            case Operation.CreateOwnToken:
            case Operation.CreateTokenForAnother:
            {
                var owner = fixture.Usernames[who];
                if (op == Operation.CreateTokenForAnother)
                {
                    owner = name;
                    await Server.CreateUserAsync(name);
                }
                (mutation, input, selection, objectField) = ("createPersonalAccessToken", new { username = owner, name, scopes = new[] { "API" } }, "id token errors", "token");
                changed = () => ExistsAsync(db => db.PersonalAccessTokens.AnyAsync(t => t.Name == name));
                break;
            }
            case Operation.CreateProjectDeployToken:
            case Operation.CreateGroupDeployToken:
                (mutation, selection, objectField) = ("createDeployToken", "id token username errors", "token");
                input = op == Operation.CreateProjectDeployToken
                    ? new { projectPath = AdminMatrixFixture.Project, name, scopes = new[] { "READ_PACKAGE_REGISTRY" } }
                    : new { groupPath = AdminMatrixFixture.Group, name, scopes = new[] { "READ_PACKAGE_REGISTRY" } };
                changed = () => ExistsAsync(db => db.DeployTokens.AnyAsync(t => t.Name == name));
                break;
            case Operation.CreateCiJobToken:
            {
                var before = await CountAsync(db => db.CiJobTokens.CountAsync());
                (mutation, input, selection, objectField) = ("createCiJobToken", new { projectPath = AdminMatrixFixture.Project }, "id token expiresAt errors", "token");
                // Job tokens have no name; every other test of this class runs one at a time, so a count tells.
                changed = async () => await CountAsync(db => db.CiJobTokens.CountAsync()) != before;
                break;
            }
            default:
            {
                // Revocations: a token to revoke, made by root (or by its owner), then whether it was revoked.
                JsonElement issued;
                if (op == Operation.RevokeOwnToken)
                    issued = await Server.MutateAsync("createPersonalAccessToken",
                        new { username = fixture.Usernames[who], name, scopes = new[] { "API" } }, RegistryServer.RootToken, "id errors");
                else if (op == Operation.RevokeAnothersToken)
                {
                    await Server.CreateUserAsync(name);
                    issued = await Server.MutateAsync("createPersonalAccessToken", new { username = name, name, scopes = new[] { "API" } }, RegistryServer.RootToken, "id errors");
                }
                else if (op == Operation.RevokeDeployToken)
                    issued = await Server.MutateAsync("createDeployToken",
                        new { projectPath = AdminMatrixFixture.Project, name, scopes = new[] { "READ_PACKAGE_REGISTRY" } }, RegistryServer.RootToken, "id errors");
                else
                    issued = await Server.MutateAsync("createCiJobToken", new { projectPath = AdminMatrixFixture.Project }, fixture.Tokens[Caller.Developer], "id errors");
                Assert.Empty(issued.Errors());
                var id = issued.GetProperty("id").GetString()!;
                var rowId = RegistryClient.IdOf(id);
                mutation = op switch
                {
                    Operation.RevokeDeployToken => "revokeDeployToken",
                    Operation.RevokeCiJobToken => "revokeCiJobToken",
                    _ => "revokePersonalAccessToken",
                };
                (input, selection, objectField) = (new { id }, "errors", "");
                changed = op switch
                {
                    Operation.RevokeDeployToken => () => ExistsAsync(db => db.DeployTokens.AnyAsync(t => t.Id == rowId && t.RevokedAt != null)),
                    Operation.RevokeCiJobToken => () => ExistsAsync(db => db.CiJobTokens.AnyAsync(t => t.Id == rowId && t.RevokedAt != null)),
                    _ => () => ExistsAsync(db => db.PersonalAccessTokens.AnyAsync(t => t.Id == rowId && t.RevokedAt != null)),
                };
                break;
            }
        }

        var response = await Server.GraphQLResponseAsync(
            $"mutation($i: {RegistryClient.InputTypeOf(mutation)}!) {{ {mutation}(input: $i) {{ {selection} clientMutationId }} }}",
            new { i = WithClientMutationId(input, name) }, token);

        // Errors are data: the request itself succeeds whoever asks.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.HasErrors, response.Body.ToString());
        var payload = response.Data.GetProperty(mutation);
        Assert.Equal(name, payload.GetProperty("clientMutationId").GetString());
        if (expected is null)
        {
            Assert.Empty(payload.Errors());
            if (objectField != "") Assert.NotEqual(JsonValueKind.Null, payload.GetProperty(objectField).ValueKind);
            Assert.True(await changed(), $"{op} by {who} reported success but changed nothing");
        }
        else
        {
            Assert.Equal([expected], payload.Errors());
            if (objectField != "") Assert.Equal(JsonValueKind.Null, payload.GetProperty(objectField).ValueKind);
            Assert.False(await changed(), $"{op} by {who} was refused but changed the stored state");
        }
    }

    private static Dictionary<string, object?> WithClientMutationId(object input, string id)
    {
        var all = input.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(input));
        all["clientMutationId"] = id;
        return all;
    }

    private async Task<bool> ExistsAsync(Func<RegistryDbContext, Task<bool>> query)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }

    private async Task<int> CountAsync(Func<RegistryDbContext, Task<int>> query)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }
}
