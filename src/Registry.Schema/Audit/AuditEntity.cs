using Registry.Schema.Identity;

namespace Registry.Schema.Audit;

/// <summary>What an audit event is about, in GitLab's terms: the entity (a project, group or user) and its path.</summary>
public readonly record struct AuditEntity(string Type, long Id, string Path, long? ProjectId, long? NamespaceId)
{
    public static AuditEntity For(Project project) => new("Project", project.Id, project.FullPath, project.Id, project.NamespaceId);

    public static AuditEntity For(Namespace ns) => new(ns.Kind == NamespaceKind.Group ? "Group" : "User", ns.Id, ns.FullPath, null, ns.Id);

    public static AuditEntity For(User user) => new("User", user.Id, user.Username, null, user.NamespaceId);
}

/// <summary>What was acted on within the entity (GitLab's <c>target_*</c>).</summary>
public readonly record struct AuditTarget(string Type, long? Id, string Details);
