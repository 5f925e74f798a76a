using Registry.Schema.Identity;

namespace Registry.Schema.GraphQL;

/// <summary>The GraphQL user context: who is asking, from the same token authentication as REST.</summary>
public sealed class RegistryUserContext(Actor actor) : Dictionary<string, object?>
{
    public Actor Actor { get; } = actor;
}
