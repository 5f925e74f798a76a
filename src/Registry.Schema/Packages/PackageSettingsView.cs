namespace Registry.Schema.Packages;

/// <summary>
/// A namespace's package settings as GitLab reports them: its own row (or the defaults) and, for the cascading
/// forwarding settings, the value that applies (its own, else the nearest group's above, the locking group's when a
/// group above locked it) and whether a group above locked it. There is no instance-wide forwarding setting here, so
/// a value nobody set is null.
/// </summary>
public sealed record PackageSettingsView(
    NamespacePackageSettings Own,
    bool? MavenPackageRequestsForwarding,
    bool? NpmPackageRequestsForwarding,
    bool? PypiPackageRequestsForwarding,
    bool MavenPackageRequestsForwardingLocked,
    bool NpmPackageRequestsForwardingLocked,
    bool PypiPackageRequestsForwardingLocked)
{
    /// <param name="chain">the settings rows of the namespace's ancestors, top first, then the namespace's own (or defaults)</param>
    public static PackageSettingsView Of(IReadOnlyList<NamespacePackageSettings> chain)
    {
        var own = chain[^1];
        var maven = Cascade(chain, s => s.MavenPackageRequestsForwarding, s => s.LockMavenPackageRequestsForwarding);
        var npm = Cascade(chain, s => s.NpmPackageRequestsForwarding, s => s.LockNpmPackageRequestsForwarding);
        var pypi = Cascade(chain, s => s.PypiPackageRequestsForwarding, s => s.LockPypiPackageRequestsForwarding);
        return new PackageSettingsView(own, maven.Value, npm.Value, pypi.Value, maven.Locked, npm.Locked, pypi.Locked);
    }

    private static (bool? Value, bool Locked) Cascade(IReadOnlyList<NamespacePackageSettings> chain,
        Func<NamespacePackageSettings, bool?> value, Func<NamespacePackageSettings, bool> lockBelow)
    {
        bool? effective = null;
        var locked = false;
        for (var i = 0; i < chain.Count; i++)
        {
            if (locked) break;
            if (value(chain[i]) is { } v) effective = v;
            if (i < chain.Count - 1 && lockBelow(chain[i])) locked = true;
        }
        return (effective, locked);
    }
}
