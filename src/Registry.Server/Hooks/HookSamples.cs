using Registry.Schema.Hooks;
using Registry.Schema.Identity;

namespace Registry.Server.Hooks;

/// <summary>The test event of a hook: a made-up publish in its project (or a sample project below its group).</summary>
public sealed class HookSamples(RegistryEndpoints endpoints, TimeProvider clock) : IHookSamples
{
    public string SampleBody(Actor actor, HookOwner owner)
    {
        var (path, projectId) = owner.Project is { } p ? (p.FullPath, p.Id) : (owner.Group!.FullPath + "/sample-project", 0L);
        return PackageEventBody.Sample(actor, path, projectId, clock.GetUtcNow().UtcDateTime, endpoints.Root);
    }
}
