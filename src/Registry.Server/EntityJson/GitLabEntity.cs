namespace Registry.Server.EntityJson;

/// <summary>
/// A JSON object built the way GitLab's Grape entities build theirs: each entity adds its keys to its parent's
/// (<c>BasicProjectDetails</c> &lt; <c>Project</c> &lt; <c>ProjectWithAccess</c>). Keys are GitLab's; fields that mean
/// nothing in a package registry (repositories, issues, CI) are left out, and those GitLab always sends that have no
/// value here are null or empty.
/// </summary>
public sealed class GitLabEntity : Dictionary<string, object?>
{
    public GitLabEntity() : base(StringComparer.Ordinal) { }
}
