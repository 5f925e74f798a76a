using GraphQL;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

// The web UI's fields on users, projects and groups: tokens and members. Visibility rules live in UserDirectory.

public sealed partial class UserNode
{
    public DateTime CreatedAt => PackageNode.Utc(user.CreatedAt);

    [System.ComponentModel.Description("The user's personal access tokens, newest first; null unless you are that user or an administrator.")]
    public async Task<List<PersonalAccessTokenNode>?> PersonalAccessTokens([FromServices] UserDirectory directory,
        [FromUserContext] RegistryUserContext ctx, CancellationToken ct) =>
        (await directory.PersonalAccessTokensAsync(ctx.Actor, user.Id, ct))?.Select(t => new PersonalAccessTokenNode(t, directory.Now)).ToList();
}

public sealed partial class ProjectNode
{
    [System.ComponentModel.Description("The project's deploy tokens, newest first; null unless you are a Maintainer or Owner.")]
    public async Task<List<DeployTokenNode>?> DeployTokens([FromServices] UserDirectory directory,
        [FromUserContext] RegistryUserContext ctx, CancellationToken ct) =>
        (await directory.DeployTokensAsync(ctx.Actor, project, ct))?.Select(t => new DeployTokenNode(t, directory.Now)).ToList();

    [System.ComponentModel.Description("Members of the project and of the groups above it.")]
    public async Task<ProjectMemberConnection> ProjectMembers([FromServices] UserDirectory directory,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        Pager.PageInMemory<ProjectMemberNode, ProjectMemberEdge, ProjectMemberConnection>(
            (await directory.ProjectMembersAsync(project, ct)).Select(m => new ProjectMemberNode(m)).ToList(), first, after, last, before);
}

public sealed partial class GroupNode
{
    [System.ComponentModel.Description("The group's deploy tokens, newest first; null unless you are a Maintainer or Owner.")]
    public async Task<List<DeployTokenNode>?> DeployTokens([FromServices] UserDirectory directory,
        [FromUserContext] RegistryUserContext ctx, CancellationToken ct) =>
        (await directory.DeployTokensAsync(ctx.Actor, Entity, ct))?.Select(t => new DeployTokenNode(t, directory.Now)).ToList();

    [System.ComponentModel.Description("Members of the group and of the groups above it.")]
    public async Task<GroupMemberConnection> GroupMembers([FromServices] UserDirectory directory,
        int? first = null, string? after = null, int? last = null, string? before = null, CancellationToken ct = default) =>
        Pager.PageInMemory<GroupMemberNode, GroupMemberEdge, GroupMemberConnection>(
            (await directory.GroupMembersAsync(Entity, ct)).Select(m => new GroupMemberNode(m)).ToList(), first, after, last, before);
}
