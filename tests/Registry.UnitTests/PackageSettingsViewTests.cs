using Registry.Schema.Packages;

namespace Registry.UnitTests;

/// <summary>GitLab's cascading forwarding settings: own value, else the nearest group's above; a lock above wins below.</summary>
public sealed class PackageSettingsViewTests
{
    private static NamespacePackageSettings Row(long id, bool? maven = null, bool lockMaven = false) =>
        new() { NamespaceId = id, MavenPackageRequestsForwarding = maven, LockMavenPackageRequestsForwarding = lockMaven };

    [Fact]
    public void Nothing_set_anywhere_is_null_and_unlocked()
    {
        var view = PackageSettingsView.Of([Row(1), Row(2)]);
        Assert.Null(view.MavenPackageRequestsForwarding);
        Assert.False(view.MavenPackageRequestsForwardingLocked);
    }

    [Fact]
    public void Own_value_wins_over_the_groups_above_unless_one_of_them_locks_it()
    {
        Assert.True(PackageSettingsView.Of([Row(1, maven: false), Row(2, maven: true)]).MavenPackageRequestsForwarding);
        Assert.False(PackageSettingsView.Of([Row(1, maven: false), Row(2)]).MavenPackageRequestsForwarding);

        var locked = PackageSettingsView.Of([Row(1, maven: false, lockMaven: true), Row(2, maven: true), Row(3, maven: true)]);
        Assert.False(locked.MavenPackageRequestsForwarding);
        Assert.True(locked.MavenPackageRequestsForwardingLocked);
    }

    [Fact]
    public void A_namespaces_own_lock_holds_only_below_it()
    {
        var view = PackageSettingsView.Of([Row(1, maven: true), Row(2, maven: false, lockMaven: true)]);
        Assert.False(view.MavenPackageRequestsForwarding);
        Assert.False(view.MavenPackageRequestsForwardingLocked);
        Assert.True(view.Own.LockMavenPackageRequestsForwarding);
    }
}
