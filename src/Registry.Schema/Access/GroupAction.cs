namespace Registry.Schema.Access;

/// <summary>What a request wants to do with a group; <see cref="PackageAuthorizer.AuthorizeGroupAsync"/> decides.</summary>
public enum GroupAction
{
    /// <summary>See the group itself (GitLab's <c>GET /groups/:id</c>): a group the caller may not see is 404, even anonymously.</summary>
    View,

    /// <summary>List the packages below it: an anonymous caller who may not see it is asked to sign in (401).</summary>
    ReadPackages,
}
