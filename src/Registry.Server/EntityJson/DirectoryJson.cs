using Registry.Schema.Identity;
using Registry.Server.Generic;

namespace Registry.Server.EntityJson;

/// <summary>
/// GitLab's project, namespace, group and user entities (lib/api/entities: BasicProjectDetails, Project,
/// ProjectWithAccess, NamespaceBasic, Group, GroupDetail, UserBasic, UserPublic), from this registry's records.
/// </summary>
public sealed class DirectoryJson(string root, FullNames names)
{
    /// <summary>GitLab's <c>BasicProjectDetails</c> (the <c>simple=true</c> list item).</summary>
    public GitLabEntity BasicProject(Project p) => new()
    {
        ["id"] = p.Id,
        ["description"] = null,
        ["name"] = p.Name,
        ["name_with_namespace"] = names.OfProject(p),
        ["path"] = p.Path,
        ["path_with_namespace"] = p.FullPath,
        ["created_at"] = PackageFileJson.Timestamp(p.CreatedAt),
        ["tag_list"] = Array.Empty<string>(),
        ["topics"] = Array.Empty<string>(),
        // No repositories here: GitLab's clone URLs have no value.
        ["ssh_url_to_repo"] = null,
        ["http_url_to_repo"] = null,
        ["web_url"] = root + WebPaths.Project(p),
        ["avatar_url"] = null,
        ["star_count"] = 0,
        ["last_activity_at"] = PackageFileJson.Timestamp(p.CreatedAt),
        ["namespace"] = Namespace(p.Namespace),
    };

    /// <summary>GitLab's <c>Project</c>: the basic details and what a package registry's project is.</summary>
    public GitLabEntity Project(Project p, User? owner)
    {
        var json = BasicProject(p);
        json["_links"] = new Dictionary<string, string> { ["self"] = $"{root}/api/v4/projects/{p.Id}" };
        json["packages_enabled"] = true;
        json["empty_repo"] = true;
        json["archived"] = false;
        json["visibility"] = Visibility(p.Visibility);
        if (p.Namespace.Kind == NamespaceKind.User && owner is not null) json["owner"] = User(owner);
        json["creator_id"] = null;
        json["shared_with_groups"] = Array.Empty<object>();
        return json;
    }

    /// <summary>GitLab's <c>ProjectWithAccess</c> (<c>GET /projects/:id</c>): the caller's direct and group roles.</summary>
    public GitLabEntity ProjectWithAccess(Project p, User? owner, AccessLevel? projectAccess, AccessLevel? groupAccess)
    {
        var json = Project(p, owner);
        json["permissions"] = new Dictionary<string, object?>
        {
            ["project_access"] = Access(projectAccess),
            ["group_access"] = Access(groupAccess),
        };
        return json;
    }

    public GitLabEntity Namespace(Namespace ns) => new()
    {
        ["id"] = ns.Id,
        ["name"] = ns.Name,
        ["path"] = ns.Path,
        ["kind"] = ns.Kind == NamespaceKind.Group ? "group" : "user",
        ["full_path"] = ns.FullPath,
        ["parent_id"] = ns.ParentId,
        ["avatar_url"] = null,
        ["web_url"] = root + WebPaths.Namespace(ns),
    };

    /// <summary>GitLab's <c>Group</c> (list item).</summary>
    public GitLabEntity Group(Namespace g) => new()
    {
        ["id"] = g.Id,
        ["web_url"] = root + WebPaths.Group(g),
        ["name"] = g.Name,
        ["path"] = g.Path,
        ["description"] = "",
        ["visibility"] = Visibility(g.Visibility),
        // Who may create projects and subgroups in a group here: Maintainers and Owners.
        ["project_creation_level"] = "maintainer",
        ["subgroup_creation_level"] = "maintainer",
        ["avatar_url"] = null,
        ["full_name"] = names.Of(g.FullPathKey),
        ["full_path"] = g.FullPath,
        ["created_at"] = PackageFileJson.Timestamp(g.CreatedAt),
        ["parent_id"] = g.ParentId,
    };

    /// <summary>GitLab's <c>GroupDetail</c> (<c>GET /groups/:id</c>): the group with its projects.</summary>
    public GitLabEntity GroupDetail(Namespace g, IEnumerable<GitLabEntity> projects)
    {
        var json = Group(g);
        json["projects"] = projects.ToList();
        json["shared_projects"] = Array.Empty<object>();
        json["shared_with_groups"] = Array.Empty<object>();
        return json;
    }

    /// <summary>GitLab's <c>UserBasic</c>.</summary>
    public GitLabEntity User(User u) => new()
    {
        ["id"] = u.Id,
        ["username"] = u.Username,
        ["name"] = u.Name,
        ["state"] = "active",
        ["locked"] = false,
        ["avatar_url"] = null,
        ["web_url"] = root + WebPaths.User(u),
    };

    public static string Visibility(Visibility v) => v.ToString().ToLowerInvariant();

    private static object? Access(AccessLevel? level) => level is { } l
        ? new Dictionary<string, object?> { ["access_level"] = (int)l, ["notification_level"] = null }
        : null;
}
