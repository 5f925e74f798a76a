using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Registry.Schema.Data;
using Registry.Tests.Infrastructure;

namespace Registry.Tests.Administration;

/// <summary>
/// The admin area's mutations (issue 27, item 10) called by every kind of caller of <see cref="AdminMatrixFixture"/>:
/// only an administrator with an api token succeeds; the group's Owner, Maintainer, Developer, the others, read_api
/// tokens (an administrator's too) and anonymous callers get the refusal in <c>errors</c>, and the target is left as it
/// was. The deletion preview answers null to all but administrators.
/// </summary>
public sealed class AdminActionsMatrixTests(AdminMatrixFixture fixture) : IClassFixture<AdminMatrixFixture>
{
    private const string BlockRefused = "Only administrators can block and unblock users";
    private const string DeleteRefused = "Only administrators can delete users, groups and projects";
    private RegistryServer Server => fixture.Server;
    private static int _unique;

    public enum Operation { BlockUser, UnblockUser, DeleteUser, DeleteGroup, DeleteProject }

    public static IEnumerable<object[]> Matrix() =>
        from op in Enum.GetValues<Operation>() from who in Enum.GetValues<Caller>() select new object[] { op, who };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Only_an_administrator_may_and_a_refusal_changes_nothing(Operation op, Caller who)
    {
        var allowed = who == Caller.Admin;
        var name = $"aa{Interlocked.Increment(ref _unique)}-{op.ToString().ToLowerInvariant()}";
        // The target, made by root inside the group every role belongs to, so a member's refusal is the role's.
        object input;
        string selection;
        Func<Task<bool>> changed;
        switch (op)
        {
            case Operation.BlockUser:
            case Operation.UnblockUser:
                await Server.CreateUserAsync(name);
                await Server.AddGroupMemberAsync(AdminMatrixFixture.Group, name, "DEVELOPER");
                if (op == Operation.UnblockUser) Assert.Empty((await Server.MutateAsync("blockUser", new { username = name })).Errors());
                (input, selection) = (new { username = name }, "user { username blocked } errors");
                var blockedAfter = op == Operation.BlockUser;
                changed = () => ExistsAsync(db => db.Users.AnyAsync(u => u.Username == name && (u.BlockedAt != null) == blockedAfter));
                break;
            case Operation.DeleteUser:
                await Server.CreateUserAsync(name);
                await Server.AddGroupMemberAsync(AdminMatrixFixture.Group, name, "DEVELOPER");
                (input, selection) = (new { username = name }, "deleted { projects } errors");
                changed = async () => !await ExistsAsync(db => db.Users.AnyAsync(u => u.Username == name));
                break;
            case Operation.DeleteGroup:
                await Server.CreateGroupAsync(name, parentPath: AdminMatrixFixture.Group);
                (input, selection) = (new { fullPath = $"{AdminMatrixFixture.Group}/{name}" }, "deleted { groups } errors");
                changed = async () => !await ExistsAsync(db => db.Namespaces.AnyAsync(n => n.FullPath == $"{AdminMatrixFixture.Group}/{name}"));
                break;
            default:
                await Server.CreateProjectAsync(AdminMatrixFixture.Group, name);
                await Server.PublishAsync($"{AdminMatrixFixture.Group}/{name}", "pkg", "1.0", "f.txt", name);
                (input, selection) = (new { fullPath = $"{AdminMatrixFixture.Group}/{name}" }, "deleted { files } errors");
                changed = async () => !await ExistsAsync(db => db.Projects.AnyAsync(p => p.FullPath == $"{AdminMatrixFixture.Group}/{name}"));
                break;
        }
        var mutation = char.ToLowerInvariant(op.ToString()[0]) + op.ToString()[1..];

        if (op is Operation.DeleteUser or Operation.DeleteGroup or Operation.DeleteProject)
        {
            var (kind, path) = op switch
            {
                Operation.DeleteUser => ("USER", name),
                Operation.DeleteGroup => ("GROUP", $"{AdminMatrixFixture.Group}/{name}"),
                _ => ("PROJECT", $"{AdminMatrixFixture.Group}/{name}"),
            };
            var preview = await Server.GraphQLResponseAsync($"query {{ deletionPreview(kind: {kind}, path: \"{path}\") {{ files }} }}", token: fixture.Tokens[who]);
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.False(preview.HasErrors, preview.Body.ToString());
            // Reading is enough for a preview: an administrator's read_api token sees it too.
            var mayPreview = who is Caller.Admin or Caller.AdminReadApi;
            Assert.Equal(mayPreview ? JsonValueKind.Object : JsonValueKind.Null, preview.Data.GetProperty("deletionPreview").ValueKind);
        }

        var response = await Server.GraphQLResponseAsync(
            $"mutation($i: {RegistryClient.InputTypeOf(mutation)}!) {{ {mutation}(input: $i) {{ {selection} }} }}", new { i = input }, fixture.Tokens[who]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.HasErrors, response.Body.ToString());
        var payload = response.Data.GetProperty(mutation);
        var objectField = selection.Split(' ')[0];
        if (allowed)
        {
            Assert.Empty(payload.Errors());
            Assert.Equal(JsonValueKind.Object, payload.GetProperty(objectField).ValueKind);
            Assert.True(await changed(), $"{op} by {who} reported success but changed nothing");
        }
        else
        {
            Assert.Equal([op is Operation.BlockUser or Operation.UnblockUser ? BlockRefused : DeleteRefused], payload.Errors());
            Assert.Equal(JsonValueKind.Null, payload.GetProperty(objectField).ValueKind);
            Assert.False(await changed(), $"{op} by {who} was refused but changed the stored state");
        }
    }

    private async Task<bool> ExistsAsync(Func<RegistryDbContext, Task<bool>> query)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }
}
