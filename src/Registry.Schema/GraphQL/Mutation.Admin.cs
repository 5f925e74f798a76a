using GraphQL;
using Registry.Schema.Access;
using Registry.Schema.GraphQL.Mutations;
using Registry.Schema.GraphQL.Types;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

/// <summary>The admin area's actions (issue 27, item 10), administrators only; REST's user, group and project routes share them.</summary>
public sealed partial class Mutation
{
    [RequiresAdmin(AdminActions.OnlyAdministratorsBlockUsers)]
    [System.ComponentModel.Description("Blocks a user: their personal access tokens, CI job tokens and browser sessions stop working at once.")]
    public static Task<UserPayload> BlockUser(BlockUserInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] AdminActions admin, CancellationToken ct) =>
        Run<UserPayload>(input, async p => p.User = new UserNode(await admin.BlockAsync(ctx.Actor, AdminTarget.ByPath(input.Username), ct)));

    [RequiresAdmin(AdminActions.OnlyAdministratorsBlockUsers)]
    [System.ComponentModel.Description("Unblocks a user: their tokens work again.")]
    public static Task<UserPayload> UnblockUser(UnblockUserInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] AdminActions admin, CancellationToken ct) =>
        Run<UserPayload>(input, async p => p.User = new UserNode(await admin.UnblockAsync(ctx.Actor, AdminTarget.ByPath(input.Username), ct)));

    [RequiresAdmin(AdminActions.OnlyAdministratorsDelete)]
    [System.ComponentModel.Description("Deletes a user with their personal projects, packages, tokens and memberships (see deletionPreview).")]
    public static Task<DeletePayload> DeleteUser(DeleteUserInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] AdminActions admin, CancellationToken ct) =>
        Run<DeletePayload>(input, async p => p.Deleted = new DeletionPreviewNode(await admin.DeleteUserAsync(ctx.Actor, AdminTarget.ByPath(input.Username), ct)));

    [RequiresAdmin(AdminActions.OnlyAdministratorsDelete)]
    [System.ComponentModel.Description("Deletes a group with its subgroups, projects and packages (see deletionPreview).")]
    public static Task<DeletePayload> DeleteGroup(DeleteGroupInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] AdminActions admin, CancellationToken ct) =>
        Run<DeletePayload>(input, async p => p.Deleted = new DeletionPreviewNode(await admin.DeleteGroupAsync(ctx.Actor, AdminTarget.ByPath(input.FullPath), ct)));

    [RequiresAdmin(AdminActions.OnlyAdministratorsDelete)]
    [System.ComponentModel.Description("Deletes a project with its packages and files (see deletionPreview).")]
    public static Task<DeletePayload> DeleteProject(DeleteProjectInput input, [FromUserContext] RegistryUserContext ctx,
        [FromServices] AdminActions admin, CancellationToken ct) =>
        Run<DeletePayload>(input, async p => p.Deleted = new DeletionPreviewNode(await admin.DeleteProjectAsync(ctx.Actor, AdminTarget.ByPath(input.FullPath), ct)));
}
