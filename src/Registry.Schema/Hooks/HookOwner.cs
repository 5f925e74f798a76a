using Registry.Schema.Identity;

namespace Registry.Schema.Hooks;

/// <summary>What a hook belongs to: a project or a group.</summary>
public sealed record HookOwner(Project? Project, Namespace? Group)
{
    public static HookOwner Of(Project project) => new(project, null);
    public static HookOwner Of(Namespace group) => new(null, group);
}
