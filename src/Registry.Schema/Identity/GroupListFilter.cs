namespace Registry.Schema.Identity;

public enum GroupOrder { Id, Name, Path }

/// <summary>
/// What a group list asks for (GitLab's <c>GET /groups</c> and <c>Query.groups</c>). Without
/// <see cref="AllAvailable"/> a signed-in user sees only the groups they reach through a membership (GitLab's default
/// for REST); with it, every group they may see. <see cref="MinAccessLevel"/> and <see cref="Owned"/> limit to groups
/// where the user's role is at least that.
/// </summary>
public sealed record GroupListFilter(
    string? Search = null,
    bool AllAvailable = true,
    bool Owned = false,
    AccessLevel? MinAccessLevel = null,
    bool TopLevelOnly = false,
    GroupOrder Order = GroupOrder.Name,
    bool Descending = false);
