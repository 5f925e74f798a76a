using GraphQL;
using Registry.Schema.GraphQL.Paging;
using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL.Types;

/// <summary>A membership: who, with which role, and where it comes from (a group above, or the project itself).</summary>
public abstract class MemberNode(MemberRecord member)
{
    [Id] public string Id => GlobalId.For(member.Membership.ProjectId is null ? "GroupMember" : "ProjectMember", member.Membership.Id);
    public AccessLevel AccessLevel => member.Membership.AccessLevel;
    public UserNode User => new(member.User);
    public DateTime CreatedAt => PackageNode.Utc(member.Membership.CreatedAt);
    [System.ComponentModel.Description("The full path of the group the membership is in; empty for a membership of the project itself.")]
    public string InheritedFrom => member.Source;
}

[Name("ProjectMember")] public sealed class ProjectMemberNode(MemberRecord member) : MemberNode(member);
[Name("GroupMember")] public sealed class GroupMemberNode(MemberRecord member) : MemberNode(member);

[Name("ProjectMemberEdge")] public sealed class ProjectMemberEdge : Edge<ProjectMemberNode>;
[Name("ProjectMemberConnection")] public sealed class ProjectMemberConnection : Connection<ProjectMemberNode, ProjectMemberEdge>;
[Name("GroupMemberEdge")] public sealed class GroupMemberEdge : Edge<GroupMemberNode>;
[Name("GroupMemberConnection")] public sealed class GroupMemberConnection : Connection<GroupMemberNode, GroupMemberEdge>;
[Name("UserCoreEdge")] public sealed class UserCoreEdge : Edge<UserNode>;
[Name("UserCoreConnection")] public sealed class UserCoreConnection : Connection<UserNode, UserCoreEdge>;
