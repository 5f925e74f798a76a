using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

/// <summary>
/// The GraphQL user context: who is asking, from the same token authentication as REST, and the address clients reach
/// the registry at (scheme, host and base path, no trailing slash), from which GitLab's absolute <c>webUrl</c>s are made.
/// </summary>
public sealed class RegistryUserContext(Actor actor, string publicRoot = "") : Dictionary<string, object?>
{
    public Actor Actor { get; } = actor;
    public string PublicRoot { get; } = publicRoot;

    /// <summary>An absolute web address for a path such as <c>/acme/tools</c>.</summary>
    public string WebUrl(string path) => PublicRoot + path;
}
