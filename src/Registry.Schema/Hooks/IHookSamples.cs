using Registry.Schema.Identity;

namespace Registry.Schema.Hooks;

/// <summary>Makes the body of a hook's test event (the server knows the registry's address and the body's shape).</summary>
public interface IHookSamples
{
    string SampleBody(Actor actor, HookOwner owner);
}
