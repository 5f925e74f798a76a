namespace Registry.Schema.Identity;

/// <summary>
/// GitLab's web paths (docs/api-contract.md, Conventions), relative to the registry's address: REST's <c>web_url</c> and
/// <c>_links.web_path</c> and GraphQL's <c>webUrl</c> and <c>_links.webPath</c> are all made here.
/// </summary>
public static class WebPaths
{
    public static string Project(Project project) => "/" + project.FullPath;

    public static string Group(Namespace group) => "/groups/" + group.FullPath;

    /// <summary>A group's page, or the page of the user a personal namespace belongs to.</summary>
    public static string Namespace(Namespace ns) => ns.Kind == NamespaceKind.Group ? Group(ns) : "/" + ns.FullPath;

    public static string User(User user) => "/" + user.Username;

    public static string Package(string projectFullPath, long packageId) => $"/{projectFullPath}/-/packages/{packageId}";
}
