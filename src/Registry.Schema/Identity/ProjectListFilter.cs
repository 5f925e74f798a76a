namespace Registry.Schema.Identity;

public enum ProjectOrder { Id, Name, Path, CreatedAt }

/// <summary>
/// What a project list asks for (GitLab's <c>GET /projects</c> and <c>Query.projects</c>): <see cref="Membership"/>
/// limits it to projects the user is a member of (directly or through a group), <see cref="Owned"/> to those in the
/// user's namespace or in groups they own; <see cref="GroupId"/> to one group (and its subgroups when asked).
/// </summary>
public sealed record ProjectListFilter(
    string? Search = null,
    bool SearchNamespaces = false,
    bool Membership = false,
    bool Owned = false,
    Visibility? Visibility = null,
    long? GroupId = null,
    bool IncludeSubgroups = false,
    ProjectOrder Order = ProjectOrder.CreatedAt,
    bool Descending = true);
