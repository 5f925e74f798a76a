namespace Registry.Schema.Access;

/// <summary>What a request wants to do with a project; <see cref="PackageAuthorizer"/> decides whether it may.</summary>
public enum ProjectAction
{
    /// <summary>See the project itself (GitLab's <c>GET /projects/:id</c>).</summary>
    View,
    ReadPackages,
    PublishPackages,
    DeletePackages,
    /// <summary>Change what Maintainers manage: tokens, rules, settings.</summary>
    Maintain,
}
