using Registry.Schema.Lifecycle;

namespace Registry.Schema.Hooks;

/// <summary>A create or a partial update of a hook; absent fields stay as they are (or take GitLab's defaults).</summary>
public sealed record HookChanges(
    Change<string?> Url = default,
    Change<string?> Name = default,
    Change<string?> Description = default,
    Change<string?> Token = default,
    Change<bool> PackageEvents = default,
    Change<bool> EnableSslVerification = default,
    Change<IReadOnlyDictionary<string, string>?> CustomHeaders = default);
